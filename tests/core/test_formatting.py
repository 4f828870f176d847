"""Money and language names in the reader's locale (core.formatting, {% load money %})."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.formatting import language_name_local, money

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", f"PLN{NBSP}12,500.50"),
        ("pl", f"12{NBSP}500,50{NBSP}zł"),
        ("cs", f"12{NBSP}500,50{NBSP}PLN"),
    ],
)
def test_money_in_the_active_language(language, expected):
    with translation.override(language):
        assert money(Decimal("12500.5"), "PLN") == expected


def test_money_keeps_a_sign_beside_the_digits_and_names_the_local_currency():
    with translation.override("en"):
        assert money(Decimal("-3"), "EUR") == "-€3.00"
    assert money(1000, "CZK", language="cs") == f"1{NBSP}000,00{NBSP}Kč"


def test_no_amount_is_no_text():
    assert money(None, "PLN") == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", f"PLN{NBSP}1,234.00"),
        ("pl", f"1{NBSP}234,00{NBSP}zł"),
        ("cs", f"1{NBSP}234,00{NBSP}PLN"),
    ],
)
def test_the_money_filter(language, expected):
    template = Template("{% load money %}{{ amount|money:currency }}")
    with translation.override(language):
        text = template.render(Context({"amount": Decimal("1234"), "currency": "PLN"}))
    assert text == expected


def test_languages_are_named_in_themselves():
    assert [language_name_local(code) for code in ("en", "pl", "cs")] == [
        "English",
        "polski",
        "čeština",
    ]
