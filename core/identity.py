"""One form of an email address, used by every comparison (SPEC §11).

Two spellings of one mailbox (upper case, Unicode compatibility forms such as a fullwidth
letter, an internationalized domain in any case) normalize to the same value, so equality on
the stored value is identity: `email_normalize` runs before anything is stored or looked up.
The address must also be deliverable on the internet: no `localhost` or other special-use
domain, no IP literal, no local part over 64 characters, no invisible characters.
email-validator (JoshData) checks the syntax and the IDNA rules. An address already in its one
form and plain ASCII (most of them, and every stored one) is checked by `_plain_address`
instead, at a tenth of the cost: the sync jobs check each address they copy.
"""

import re
import unicodedata

import email_validator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_EMAIL = _("Enter a valid email address.")
# Format (Cf: zero-width, bidi controls, BOM, tags), line/paragraph separators (Zl, Zp).
_INVISIBLE_CATEGORIES = {"Cf", "Zl", "Zp", "Cc"}
# Letters and marks that show nothing (Unicode's Default_Ignorable_Code_Point outside Cf:
# combining grapheme joiner, Hangul fillers, Khmer inherent vowels, variation selectors),
# which email-validator accepts in an internationalized local part; and the blank braille cell.
_INVISIBLE_LETTERS = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef]"
)


# A lower-case dot-atom local part and host names of letters, digits and single hyphens with a
# top-level domain of letters: a subset of what email-validator accepts unchanged.
_PLAIN_ADDRESS = re.compile(
    r"(?P<local>[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*)"
    r"@(?P<domain>(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+[a-z]{2,63})\Z"
)


def _plain_address(value: str) -> bool:
    """The address is in its one form, and valid, by rules email-validator also applies."""
    if len(value) > 254:
        return False
    match = _PLAIN_ADDRESS.match(value)
    if match is None or len(match["local"]) > 64:
        return False
    domain = match["domain"]
    if len(domain) > 253 or any(len(label) > 63 for label in domain.split(".")):
        return False
    return not any(
        domain == name or domain.endswith("." + name)
        for name in email_validator.SPECIAL_USE_DOMAIN_NAMES
    )


def email_normalize(value: str) -> str:
    """Return the address's one form, or raise a ValidationError (code "invalid_email")."""
    if _plain_address(value):
        return value
    return _email_checked(value)


def _email_checked(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).strip()
    if _INVISIBLE_LETTERS.search(value) or any(
        unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in value
    ):
        raise ValidationError(INVALID_EMAIL, code="invalid_email")
    try:
        checked = email_validator.validate_email(
            value, check_deliverability=False, allow_domain_literal=False, allow_quoted_local=False
        )
    except email_validator.EmailNotValidError as exc:
        raise ValidationError(INVALID_EMAIL, code="invalid_email") from exc
    if len(checked.local_part.encode()) > 64:  # RFC 5321 §4.5.3.1.1; email-validator allows it
        raise ValidationError(INVALID_EMAIL, code="invalid_email")
    # email-validator lower-cases the domain; mailboxes differing only in case are one person.
    return checked.normalized.lower()


def validate_email_address(value: str) -> None:
    """A field validator: the address can be normalized."""
    email_normalize(value)
