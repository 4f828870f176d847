"""Forms of the B2B site; the model's validators apply through ModelForm (SPEC §11)."""

from typing import cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.validators import normalize_phone

from .models import OnboardingRequest

HONEYPOT_FIELD = "fax"

# SPEC §5 party fields a requester fills in; `language` comes from the page's locale.
PARTY_FIELDS = (
    "company_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "tax_id",
    "website",
    "comments",
)

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


def _party_formfield(model_field: models.Field, **kwargs) -> forms.Field | None:
    # A website typed without a scheme ("firma.pl") is taken as https, Django 6's default.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class OnboardingRequestForm(forms.ModelForm):
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
        fields = PARTY_FIELDS
        formfield_callback = _party_formfield
        widgets = {"phone": forms.TelInput(), "comments": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "phone": _("International format, for example +48 12 345 67 89."),
            "tax_id": _("VAT or company registration number, if you have one."),
            "comments": _("Anything we should know: products of interest, expected volumes…"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, token in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        country = cast(forms.ChoiceField, self.fields["country"])
        # Built per form, so the country names follow the visitor's language.
        country.choices = [("", _("Select a country")), *countries]

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT_FIELD), "").strip())

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def party_values(self) -> dict:
        """The cleaned party fields of SPEC §5, without the terms box and the honeypot."""
        return {name: self.cleaned_data[name] for name in PARTY_FIELDS}


class RequestStatusForm(forms.Form):
    reference = forms.UUIDField(
        label=_("Reference"),
        help_text=_("The reference shown after you sent your request, also in our email."),
        error_messages={"invalid": _("Enter the reference exactly as we gave it to you.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
