"""The country field checks codes against the country table and displays translated names."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from commerce.models import Prospect
from sales.models import Account


def _country_field(model):
    return model._meta.get_field("country")


@pytest.mark.parametrize("code", ["PL", "CZ", "DE"])
def test_a_known_code_is_valid(code):
    _country_field(Prospect).validate(code, None)


@pytest.mark.parametrize("code", ["XX", "pl", "POL", "P"])
def test_an_unknown_code_is_refused_with_the_value(code):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _country_field(Prospect).validate(code, None)
    assert error.value.code == "invalid_choice"
    assert f"Value '{code}' is not a valid choice." in error.value.messages


def test_blank_is_refused_where_the_country_is_required_and_allowed_where_not():
    with pytest.raises(ValidationError) as error:
        _country_field(Prospect).validate("", None)
    assert error.value.code == "blank"
    _country_field(Account).validate("", None)


def test_display_choices_follow_the_active_language():
    field = _country_field(Prospect)
    with translation.override("pl"):
        assert dict(field.flatchoices)["DE"] == "Niemcy"
    with translation.override("cs"):
        assert dict(field.flatchoices)["DE"] == "Německo"
    with translation.override("en"):
        assert dict(field.flatchoices)["DE"] == "Germany"


def test_each_read_of_a_country_is_its_own_object_named_in_the_active_language():
    prospect = Prospect(country="DE")
    first, second = prospect.country, prospect.country
    assert first is not second and first == second == "DE"
    with translation.override("pl"):
        assert prospect.country.name == "Niemcy"
    with translation.override("cs"):
        assert prospect.country.name == "Německo"
    # Escaping one (the state a Country has) leaves the others as they are.
    with first.escape:
        assert bool(first.escape) and not bool(second.escape)
        assert not bool(prospect.country.escape)


@pytest.mark.parametrize(
    ("stored", "code"), [("pol", "PL"), ("POL", "PL"), ("616", "PL"), ("pl", "PL")]
)
def test_a_code_in_another_form_is_still_normalized_on_each_read(stored, code):
    prospect = Prospect()
    prospect.__dict__["country"] = stored  # as loaded from a row holding it
    assert prospect.country.code == code
    assert prospect.country.code == code


@pytest.mark.parametrize("value", ["PL", "", "cz"])
def test_a_saved_country_is_the_code_django_countries_would_save(value):
    from django_countries.fields import CountryField as LibraryCountryField

    prospect = Prospect(country=value)
    field = _country_field(Prospect)
    assert field.pre_save(prospect, True) == LibraryCountryField.pre_save(field, prospect, True)
    assert field.pre_save(prospect, True) == value.upper()
