"""Model fields shared by the systems."""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django_countries import fields as countries_fields


class CountryField(countries_fields.CountryField):
    """django-countries' field, validated and displayed without rebuilding the country list.

    Django's `Field.validate` and `flatchoices` normalize all ~250 translated choices on every
    call: 0.6 ms per validated record, and most of an admin list page with a country column.
    A code is checked against the country table directly, and the display choices are built
    once per language.
    """

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
