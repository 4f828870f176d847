"""Payloads of the B2B site's public API."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.identity import email_normalize
from core.models import REQUESTER_FIELD_NAMES
from core.serializer_fields import EmailAddressField
from core.validators import validate_single_line

from .forms import HONEYPOT_FIELD
from .models import ChannelHierarchyMember, OnboardingRequest, PartnerUserRequest
from .phones import phone_international
from .selectors import PUBLIC_STATUSES


class WebsiteField(serializers.URLField):
    """As on the sign-up form, a website typed without a scheme ("firma.pl") is taken as https."""

    def to_internal_value(self, data) -> str:
        # Completed before the URL is checked, which would refuse "firma.pl".
        if isinstance(data, str):
            data = forms.URLField(assume_scheme="https").to_python(data)
        return super().to_internal_value(data)


class OnboardingRequestSerializer(serializers.ModelSerializer):
    """The sign-up form's rules for API clients; the model's validators apply as on the form."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: WebsiteField,
        models.EmailField: EmailAddressField,
    }

    terms_accepted = serializers.BooleanField(
        help_text=_("Must be true: the requester accepts the terms of the B2B site.")
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Language for the emails; defaults to the request's language."),
    )
    # The sign-up form's honeypot: people's clients leave it out, some bots fill it in.
    fax = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text=_("Leave this field empty.")
    )

    class Meta:
        model = OnboardingRequest
        fields = (
            *REQUESTER_FIELD_NAMES,
            "language",
            "terms_accepted",
            HONEYPOT_FIELD,
        )
        # The phone is read with the country in validate(); the model's E.164 check would
        # refuse a national number first.
        extra_kwargs = {
            "phone": {
                "validators": [validate_single_line],
                "help_text": _(
                    "With the country code (+48 12 345 67 89), or as dialled within `country`; "
                    "stored in E.164 form (+48123456789)."
                ),
            }
        }

    @property
    def honeypot_filled(self) -> bool:
        data = self.initial_data if isinstance(self.initial_data, dict) else {}
        value = data.get(HONEYPOT_FIELD)
        return bool(value.strip() if isinstance(value, str) else value)

    def validate_email(self, value: str) -> str:
        return email_normalize(value)

    def validate(self, attrs: dict) -> dict:
        try:
            attrs["phone"] = phone_international(attrs["phone"], country=attrs.get("country"))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"phone": error.messages}) from error
        return attrs

    def validate_terms_accepted(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Please accept the terms to send your request."))
        return value


class OnboardingRequestCreatedSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["received"])


class OnboardingRequestStatusSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=list(PUBLIC_STATUSES.items()))


# --- organization users (partner admins) ------------------------------------------------------


class OrganizationUserSerializer(serializers.Serializer):
    account_number = serializers.CharField(
        allow_null=True, help_text=_("Empty while HQ has not yet set up an added user.")
    )
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ChannelHierarchyMember.Role.choices)
    spending_limit = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    monthly_spending_limit = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text=_(
            "What the user may order in a calendar month without approval; null: no limit."
        ),
    )
    status = serializers.ChoiceField(
        choices=[ChannelHierarchyMember.Status.PENDING, ChannelHierarchyMember.Status.ACTIVE]
    )
    change_pending = serializers.BooleanField(
        help_text=_("An edit is on its way to HQ and not yet applied.")
    )


# A number in the schema, so that it states the model's minimum of 0 (a decimal documented as a
# string has only a pattern); strings like "2500.50" are still read.
SPENDING_LIMIT = {"coerce_to_string": False}


class OrganizationUserAddSerializer(serializers.ModelSerializer):
    """Input of an added user; the model's rules apply as on the page."""

    role = serializers.ChoiceField(
        choices=ChannelHierarchyMember.Role.choices,
        default=ChannelHierarchyMember.Role.USER,
        help_text=_("Defaults to user, as on the page."),
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Language of the invitation email; defaults to the request's language."),
    )

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.EmailField: EmailAddressField,
    }

    class Meta:
        model = PartnerUserRequest
        fields = (
            "first_name",
            "last_name",
            "email",
            "role",
            "spending_limit",
            "monthly_spending_limit",
            "language",
        )
        extra_kwargs = {
            "first_name": {"required": True, "allow_blank": False},
            "last_name": {"required": True, "allow_blank": False},
            "email": {"required": True, "allow_blank": False},
            "spending_limit": SPENDING_LIMIT,
            "monthly_spending_limit": {**SPENDING_LIMIT, "default": None},
        }


class OrganizationUserChangeSerializer(serializers.ModelSerializer):
    """Input of an edit; fields left out keep their value."""

    role = serializers.ChoiceField(choices=ChannelHierarchyMember.Role.choices, required=False)

    class Meta:
        model = PartnerUserRequest
        fields = ("first_name", "last_name", "role", "spending_limit", "monthly_spending_limit")
        extra_kwargs = {
            "first_name": {"allow_blank": False},
            "last_name": {"allow_blank": False},
            "spending_limit": SPENDING_LIMIT,
            "monthly_spending_limit": SPENDING_LIMIT,
        }


class PartnerUserRequestAcceptedSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    action = serializers.ChoiceField(choices=PartnerUserRequest.Action.choices)
    status = serializers.ChoiceField(
        choices=["pending", "removed"],
        help_text=_("Removal takes effect at once; an add or an edit once HQ has applied it."),
    )
