"""Text rules shared by every form and endpoint (SPEC §11)."""

import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

# Unicode's control (Cc), surrogate (Cs) and private-use (Co) characters. These ranges are fixed
# by Unicode's stability policy; one regex search is ten times faster than asking
# unicodedata.category() for each character (tests/core/test_validators.py checks every one).
_OTHER_CONTROL = r"\x7f-\x9f\ud800-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_LINE_BREAKS = r"\t\n\r"
_CONTROL_NOT_LINE_BREAK = rf"\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER_CONTROL}"
# Invisible and text-direction characters: Unicode's format characters (Cf: soft hyphen,
# zero-width space and joiners, bidi marks, embeddings, overrides and isolates, BOM, tags...),
# the line and paragraph separators (Zl, Zp), and the unassigned code points inside the
# invisible blocks (U+2065, U+E0000, U+E0002-U+E001F), so a later Unicode version that fills
# them is refused already. Cf grows with Unicode: the test compares this list with the
# database of the running Python, so an upgrade that adds one fails it.
_INVISIBLE = (
    r"\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_REFUSED_SINGLE_LINE = re.compile(f"[{_LINE_BREAKS}{_CONTROL_NOT_LINE_BREAK}{_INVISIBLE}]")
_REFUSED_MULTILINE = re.compile(f"[{_CONTROL_NOT_LINE_BREAK}{_INVISIBLE}]")
_INVISIBLE_CHARACTER = re.compile(f"[{_INVISIBLE}]")

INVISIBLE_MESSAGE = _("Invisible or text-direction characters are not allowed here.")


def _refuse(found: re.Match, control_message) -> None:
    # One search finds any refused character; only then is it told which kind it was.
    if _INVISIBLE_CHARACTER.match(found.group()):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")
    raise ValidationError(control_message, code="control_characters")


def validate_single_line(value: str) -> None:
    if found := _REFUSED_SINGLE_LINE.search(value):
        _refuse(found, _("Control characters (such as tabs or line breaks) are not allowed here."))


def validate_multiline(value: str) -> None:
    """Line breaks and tabs are kept; other controls and invisible characters are refused."""
    if found := _REFUSED_MULTILINE.search(value):
        _refuse(found, _("Control characters are not allowed."))


# Characters that end a URL or an HTML attribute, or that browsers rewrite (a backslash).
_UNSAFE_IN_URL = re.compile(r'[\s"<>\\`{}|^]')


# An http(s) address whose host is ASCII letters, digits and inner hyphens with a top-level
# domain of letters, with an optional port and a plain path: a subset of what Django's
# URLValidator accepts, which tries its long Unicode expression and IDNA on every value.
_PLAIN_WEBSITE = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
    r"(?::[0-9]{1,5})?(?:/[a-z0-9._~/-]*)?\Z",
    re.IGNORECASE,
)


class WebsiteURLValidator(URLValidator):
    """Django's URLValidator for http(s), with a shortcut for a plain address (8 → 1 µs):
    the sync jobs validate the website of every prospect and lead they create."""

    def __init__(self) -> None:
        super().__init__(schemes=["http", "https"])

    def __call__(self, value) -> None:
        if isinstance(value, str) and len(value) <= 253 and _PLAIN_WEBSITE.match(value):
            return
        super().__call__(value)


def validate_website(value: str) -> None:
    """An http(s) address that is safe to print inside a link (SPEC §11)."""
    scheme = value.partition(":")[0].lower()
    if scheme not in ("http", "https") or _UNSAFE_IN_URL.search(value):
        message = _("Enter a website starting with https:// or http://, without spaces or quotes.")
        raise ValidationError(message, code="website")


# A number is parsed once per process: a sign-up checks it in the form and in the model, and a
# worker process often syncs a prospect and then its lead.
@functools.lru_cache(maxsize=4096)
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
