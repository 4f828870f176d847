"""Text rules shared by every form and endpoint (SPEC §11)."""

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_LINE_BREAKS = {"\n", "\r", "\t"}


def _has_control_characters(value: str, allowed: set[str]) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in allowed for ch in value)


def validate_single_line(value: str) -> None:
    if _has_control_characters(value, set()):
        raise ValidationError(
            _("Control characters (such as tabs or line breaks) are not allowed here."),
            code="control_characters",
        )


def validate_multiline(value: str) -> None:
    if _has_control_characters(value, _LINE_BREAKS):
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
