"""Dates and numbers in the reader's locale (core/formats, USE_THOUSAND_SEPARATOR): what the
consoles' lists and read-only fields show through Django's localize."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import formats, translation

NBSP = "\u00a0"
WHEN = datetime(2026, 12, 1, 14, 5)


@pytest.mark.parametrize(
    ("language", "moment", "day", "amount"),
    [
        ("en", "1 Dec 2026, 14:05", "1 Dec 2026", "12,500.50"),
        ("pl", "1 gru 2026, 14:05", "1 gru 2026", f"12{NBSP}500,50"),
        ("cs", "1. 12. 2026 14:05", "1. 12. 2026", f"12{NBSP}500,50"),
    ],
)
def test_dates_and_numbers_in_the_reader_s_language(language, moment, day, amount):
    with translation.override(language):
        assert formats.localize(WHEN) == moment
        assert formats.localize(date(2026, 12, 1)) == day
        assert formats.localize(Decimal("12500.50")) == amount


def test_django_s_own_formats_stay_where_core_sets_none():
    # Input formats are Django's: a Polish user still types 01.12.2026.
    with translation.override("pl"):
        assert "%d.%m.%Y" in formats.get_format("DATE_INPUT_FORMATS")
