"""Phone numbers as people type them: with the country code, or as dialled within the country
they chose; stored in E.164 either way (SPEC §11)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Short: the sign-up form's help text tells the two ways to type a number.
PHONE_INVALID = _("Enter a valid phone number.")


def phone_international(value: str, *, country: str | None) -> str:
    """`value` in E.164 form; without a country code it is read in `country`'s national form."""
    try:
        # The country is ignored for a number that starts with + and its own country code.
        number = phonenumbers.parse(value, str(country).upper() if country else None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(PHONE_INVALID, code="phone") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(PHONE_INVALID, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
