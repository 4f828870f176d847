"""Text rules shared by every form and endpoint (SPEC §11)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode's control (Cc), surrogate (Cs) and private-use (Co) characters. These ranges are fixed
# by Unicode's stability policy; one regex search is ten times faster than asking
# unicodedata.category() for each character (tests/core/test_validators.py checks every one).
_OTHER_CONTROL = r"\x7f-\x9f\ud800-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_CONTROL_CHARACTER = re.compile(rf"[\x00-\x1f{_OTHER_CONTROL}]")
# The same, but tabs and line breaks (\t \n \r: 0x09, 0x0a, 0x0d) are allowed.
_CONTROL_CHARACTER_NOT_LINE_BREAK = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER_CONTROL}]")


def validate_single_line(value: str) -> None:
    if _CONTROL_CHARACTER.search(value):
        raise ValidationError(
            _("Control characters (such as tabs or line breaks) are not allowed here."),
            code="control_characters",
        )


def validate_multiline(value: str) -> None:
    if _CONTROL_CHARACTER_NOT_LINE_BREAK.search(value):
        raise ValidationError(_("Control characters are not allowed."), code="control_characters")


def normalize_phone(value: str) -> str:
    """Return the number in E.164 form, or raise a ValidationError."""
    message = _("Enter the phone number in international format, for example +48 12 345 67 89.")
    if not value.strip().startswith("+"):
        raise ValidationError(message, code="phone")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(message, code="phone") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(message, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    normalize_phone(value)
