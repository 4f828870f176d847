"""Payloads of the B2B site's public API."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import normalize_phone

from .models import OnboardingRequest
from .selectors import PUBLIC_STATUSES


class WebsiteField(serializers.URLField):
    """As on the sign-up form, a website typed without a scheme ("firma.pl") is taken as https."""

    def to_internal_value(self, data) -> str:
        website = super().to_internal_value(data)
        return forms.URLField(assume_scheme="https").to_python(website) or ""


class OnboardingRequestSerializer(serializers.ModelSerializer):
    """The sign-up form's rules for API clients; the model's validators apply as on the form."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: WebsiteField,
    }

    terms_accepted = serializers.BooleanField(
        help_text=_("Must be true: the requester accepts the terms of the B2B site.")
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Language for the emails; defaults to the request's language."),
    )

    class Meta:
        model = OnboardingRequest
        fields = (
            *(name for name in OnboardingRequest.PARTY_FIELD_NAMES if name != "language"),
            "language",
            "terms_accepted",
        )

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value)

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
