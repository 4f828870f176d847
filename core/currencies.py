"""Currencies (SPEC §11): ISO 4217 codes of the currencies in use, from CLDR via babel.

The list is CLDR's (kept current by babel's releases), not a copy of ours: a code that is legal
tender in some territory today. Codes withdrawn (DEM), reserved or for testing (XXX, XTS) and
made-up ones (ZZZ) are refused.
"""

from functools import cache

from babel.core import get_global
from babel.numbers import get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def currencies_in_use() -> frozenset[str]:
    """Computed once per process: every territory's currencies that are legal tender today."""
    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, tender=True)
    )


def validate_currency(value: str) -> None:
    if value not in currencies_in_use():
        raise ValidationError(
            _(
                "%(value)s is not a currency in use. Enter its three-letter ISO 4217 code, "
                "such as EUR."
            ),
            code="invalid_currency",
            params={"value": value},
        )
