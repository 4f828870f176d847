"""Money and language names as the reader's locale writes them (CLDR, via babel)."""

import re
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency
from django.conf import settings
from django.utils import translation

# CLDR's currency spacing, which babel leaves out: a symbol of letters ("PLN") keeps a
# no-break space from the digits beside it ("PLN 12,500.50"), a sign ("€12,500.50") does not.
_LETTERS_THEN_DIGIT = re.compile(r"([^\W\d_])(?=\d)")
_DIGIT_THEN_LETTERS = re.compile(r"(\d)(?=[^\W\d_])")
NO_BREAK_SPACE = "\u00a0"


def money(
    amount: Decimal | float | int | None, currency: str, *, language: str | None = None
) -> str:
    """`amount` in `currency` as written in `language` (by default the active one):
    "PLN 12,500.50" in English, "12 500,50 zł" in Polish, "12 500,50 PLN" in Czech."""
    if amount is None:
        return ""
    locale = translation.to_locale(language or translation.get_language() or settings.LANGUAGE_CODE)
    text = format_currency(amount, currency, locale=locale)
    text = _LETTERS_THEN_DIGIT.sub(rf"\1{NO_BREAK_SPACE}", text)
    return _DIGIT_THEN_LETTERS.sub(rf"\1{NO_BREAK_SPACE}", text)


def language_name_local(code: str) -> str:
    """A language's name in itself ("English", "polski", "čeština"), as a picker lists it."""
    locale = translation.to_locale(code)
    return Locale.parse(locale).get_display_name(locale) or code
