"""Forms of the B2B site; the model's validators apply through ModelForm (SPEC §11)."""

import functools
from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    UsernameField,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.identity import email_normalize
from core.models import REQUESTER_FIELD_NAMES

from .models import ChannelHierarchyMember, OnboardingRequest, PartnerUserRequest
from .phones import phone_international
from .selectors import partner_access_withdrawn, partner_membership

HONEYPOT_FIELD = "fax"

# Browser autofill hints (WHATWG autocomplete tokens) for the party fields.
AUTOCOMPLETE = {
    "company_name": "organization",
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "phone": "tel",
    "job_title": "organization-title",
    "street": "address-line1",
    "city": "address-level2",
    "state": "address-level1",
    "postal_code": "postal-code",
    "country": "country",
    "website": "url",
}


class MarkedBoundField(BoundField):
    """Marks an invalid input with a class besides Django's aria-invalid, so the stylesheet
    gives every kind of input (checkboxes and selects too) the same red border."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if attrs.get("aria-invalid") == "true":
            attrs["class"] = " ".join(filter(None, (attrs.get("class"), "input--invalid")))
        return attrs


class SiteForm(forms.Form):
    bound_field_class = MarkedBoundField


class SiteModelForm(forms.ModelForm):
    bound_field_class = MarkedBoundField

    def add_error(self, field, error) -> None:
        # The model's clean() checks again what a form field has refused already ("required"
        # after "Enter a valid email address"): a field keeps its first message only.
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            fresh = {
                name: errors for name, errors in error.error_dict.items() if name not in self.errors
            }
            if not fresh:
                return
            error = ValidationError(fresh)
        super().add_error(field, error)


@functools.cache
def _country_choices_in(language: str | None) -> tuple[tuple[str, str], ...]:
    return (("", gettext("Select a country")), *((code, str(name)) for code, name in countries))


def _country_choices() -> tuple[tuple[str, str], ...]:
    """The countries by name in the active language, after a prompt; built once a language."""
    return _country_choices_in(get_language())


@functools.lru_cache(maxsize=8)  # one list of options per language
def _options_html(choices: tuple[tuple[str, str], ...]) -> str:
    return format_html_join("", '<option value="{}">{}</option>', choices)


class CountrySelect(forms.Select):
    """A <select> of every country, its options written in one pass.

    Django's Select renders each <option> through a template of its own; for ~250 countries
    that was 80 % of the sign-up page.
    """

    template_name = "channel/widgets/country_select.html"

    def get_context(self, name, value, attrs) -> dict:
        context = forms.Widget.get_context(self, name, value, attrs)  # without the optgroups
        html = _options_html(tuple(self.choices))
        for code in self.format_value(value):
            unselected = format_html('<option value="{}">', code)
            html = html.replace(unselected, f"{unselected[:-1]} selected>", 1)
        context["widget"]["options"] = mark_safe(html)  # built from escaped parts above
        return context


def _party_formfield(model_field: models.Field, **kwargs) -> forms.Field | None:
    # A website typed without a scheme ("firma.pl") is taken as https, Django 6's default.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class OnboardingRequestForm(SiteModelForm):
    """The sign-up form of SPEC §10; it validates, `onboarding_request_create` stores."""

    accept_terms = forms.BooleanField(
        label=_("I accept the terms and conditions for business partners"),
        error_messages={"required": _("Please accept the terms to send your request.")},
    )
    # Hidden from people by CSS and from assistive technology; only bots fill it in.
    fax = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = OnboardingRequest
        fields = REQUESTER_FIELD_NAMES
        formfield_callback = _party_formfield
        widgets = {
            # Text, not type=url: browsers would refuse "firma.pl", which the field completes.
            "website": forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
            "phone": forms.TelInput(),
            "comments": forms.Textarea(attrs={"rows": 4}),
            "country": CountrySelect(),
        }
        help_texts = {
            "phone": _(
                "For example +48 12 345 67 89; a number without the country code is read as "
                "one of the country in the address."
            ),
            "tax_id": _("VAT or company registration number, if you have one."),
            "comments": _("Anything we should know: products of interest, expected volumes…"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, token in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        country = cast(forms.ChoiceField, self.fields["country"])
        # The country names follow the visitor's language.
        country.choices = _country_choices  # called when the choices are read

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT_FIELD), "").strip())

    def clean_email(self) -> str:
        # Stored and compared in its one form (SPEC §11: variants of one address are one).
        return email_normalize(self.cleaned_data["email"])

    def clean(self) -> dict:
        cleaned_data = super().clean() or {}
        # Read with the chosen country (known only once every field is cleaned), stored in E.164.
        if phone := cleaned_data.get("phone"):
            try:
                cleaned_data["phone"] = phone_international(
                    phone, country=cleaned_data.get("country")
                )
            except ValidationError as error:
                self.add_error("phone", error)
        return cleaned_data

    def party_values(self) -> dict:
        """The cleaned party fields of SPEC §5, without the terms box and the honeypot."""
        return {name: self.cleaned_data[name] for name in REQUESTER_FIELD_NAMES}


class RequestStatusForm(SiteForm):
    reference = forms.UUIDField(
        label=_("Reference"),
        help_text=_("The reference shown after you sent your request, also in our email."),
        error_messages={"invalid": _("Enter the reference exactly as we gave it to you.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# --- partner portal ---------------------------------------------------------------------------


class PartnerSignInForm(AuthenticationForm):
    bound_field_class = MarkedBoundField

    """Signs in partner users only, and only while the channel copy says they are active."""

    username = UsernameField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the email address and password of your B2B account. The password "
            "is case-sensitive."
        ),
        "no_access": _("This account has no access to the B2B site."),
        "withdrawn": _("Your access to this organization was withdrawn. Ask your administrator."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self) -> dict:
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and self._access_withdrawn():
                raise ValidationError(self.error_messages["withdrawn"], code="withdrawn") from None
            raise

    def _access_withdrawn(self) -> bool:
        """An admin's removal deactivates the login, which authenticate() refuses like a wrong
        password; only the right password learns why. A locked-out client learns nothing, and
        django-axes has counted the try as a failure either way."""
        if getattr(self.request, "axes_locked_out", False):
            return False
        return partner_access_withdrawn(
            username=self.cleaned_data.get("username", ""),
            password=self.cleaned_data.get("password", ""),
        )

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        member = partner_membership(user_id=user.pk)
        if member is not None and member.access_withdrawn:
            raise ValidationError(self.error_messages["withdrawn"], code="withdrawn")
        if member is None or not member.has_access:
            raise ValidationError(self.error_messages["no_access"], code="no_access")


class PartnerPasswordResetForm(PasswordResetForm):
    """Resets the password of partner users with access; staff reset theirs elsewhere."""

    bound_field_class = MarkedBoundField

    def get_users(self, email):
        return (
            user
            for user in super().get_users(email)
            if (member := partner_membership(user_id=user.pk)) is not None and member.has_access
        )


class PartnerSetPasswordForm(SetPasswordForm):
    """Django's form for a new password, its invalid inputs marked like the site's others."""

    bound_field_class = MarkedBoundField


SPENDING_LIMITS = ("spending_limit", "monthly_spending_limit")


class OrganizationUserForm(SiteModelForm):
    """Add or edit an organization user; the rules live on PartnerUserRequest (model clean)."""

    class Meta:
        model = PartnerUserRequest
        fields: tuple[str, ...] = (
            "first_name",
            "last_name",
            "email",
            "role",
            "spending_limit",
            "monthly_spending_limit",
            "language",
        )
        help_texts = {
            "spending_limit": _(
                "The most one order of this user may come to without an admin's approval; "
                "leave it empty for no limit."
            ),
            "monthly_spending_limit": _(
                "The most this user's orders of a calendar month may come to without an "
                "admin's approval; leave it empty for no limit."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name not in SPENDING_LIMITS
        if "language" in self.fields:
            self.fields["language"] = forms.ChoiceField(
                label=_("Language"),
                choices=settings.LANGUAGES,
                help_text=_("The language of the invitation email."),
            )
            # The admin's own language (the page's); the blank request would preselect none.
            self.initial["language"] = self.initial.get("language") or get_language()
        if "role" in self.fields:
            role = cast(forms.ChoiceField, self.fields["role"])
            role.choices = ChannelHierarchyMember.Role.choices
            role.help_text = _("Admins can manage the organization's users.")
            # Most people added are colleagues who order; making an admin is a deliberate choice.
            self.initial["role"] = self.initial.get("role") or ChannelHierarchyMember.Role.USER
        for name in SPENDING_LIMITS:
            self.fields[name].widget.attrs.update(min="0", step="0.01")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class OrganizationUserChangeForm(OrganizationUserForm):
    class Meta(OrganizationUserForm.Meta):
        fields = ("first_name", "last_name", "role", "spending_limit", "monthly_spending_limit")
