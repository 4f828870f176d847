"""Model fields shared by the systems."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django_countries import fields as countries_fields
from django_countries.fields import Country, CountryDescriptor

from .identity import validate_email_address
from .validators import WebsiteURLValidator, validate_website


class EmailAddressFormField(forms.EmailField):
    """An email form field with the rules of `core.identity` (no localhost, IP literal...)."""

    default_validators = [validate_email_address]


class EmailAddressField(models.EmailField):
    """An email column validated by `core.identity` instead of Django's looser validator."""

    default_validators = [validate_email_address]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": EmailAddressFormField, **kwargs})


class WebsiteField(models.URLField):
    """An http(s) address that can be printed inside a link as it is."""

    default_validators = [WebsiteURLValidator(), validate_website]


def _normal_code(code) -> bool:
    """A code `Countries.alpha2` gives back unchanged, whatever the language or context."""
    return isinstance(code, str) and len(code) == 2 and code.isalpha() and code.isupper()


class CountryCodeDescriptor(CountryDescriptor):
    """django-countries' descriptor, without looking a stored code up again for each access.

    Each `Country` it gives normalizes its code (`Countries.alpha2`, which asks for the active
    language on every call), where validation and the copy read the country of every record
    (the sync job and the relay: 50 ms per 10,000 records). An upper-case two-letter code
    comes out of that normalization as it went in, so such a country is copied from the first
    one built.
    Every access still gets its own object: a `Country` has state (`escape`).
    """

    def __init__(self, field) -> None:
        super().__init__(field)
        self._built: dict[str, Country] = {}

    def country(self, code):
        built = self._built.get(code)
        if built is None:
            built = super().country(code)  # type: ignore[misc]  # missing from its type stubs
            if not _normal_code(code):
                return built
            self._built[code] = built
        country = Country.__new__(Country)
        country.__dict__.update(built.__dict__)
        return country


class CountryField(countries_fields.CountryField):
    """django-countries' field, validated and displayed without rebuilding the country list.

    Django's `Field.validate` and `flatchoices` normalize all ~250 translated choices on every
    call: 0.6 ms per validated record, and most of an admin list page with a country column.
    A code is checked against the country table directly, and the display choices are built
    once per language.
    """

    descriptor_class = CountryCodeDescriptor

    def pre_save(self, model_instance, add):
        # A code already in its one form is saved as it is, without building a Country.
        code = model_instance.__dict__.get(self.attname)
        if not self.multiple and (code == "" or _normal_code(code)):
            return code
        return super().pre_save(model_instance, add)

    def validate(self, value, model_instance) -> None:
        code = getattr(value, "code", value)
        if code in self.empty_values:
            if code is None and not self.null:
                raise ValidationError(self.error_messages["null"], code="null")
            if not self.blank:
                raise ValidationError(self.error_messages["blank"], code="blank")
            return
        if code not in self.countries:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": code}
            )

    @property
    def flatchoices(self) -> list:
        # Per field (each may have its own countries), per language.
        by_language = self.__dict__.setdefault("_flatchoices_by_language", {})
        language = get_language()
        if language not in by_language:
            by_language[language] = list(super().flatchoices)
        return by_language[language]
