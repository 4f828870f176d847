"""The plain-address shortcut of core/identity.py agrees with email-validator, which it skips."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from core import identity
from core.identity import _PLAIN_ADDRESS, email_normalize

LABEL = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
# Addresses the shortcut may take, special-use domains and over-long parts included.
PLAIN = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join([*labels, tld])}",
    st.from_regex(r"[a-z0-9_+-]{1,70}(\.[a-z0-9_+-]{1,10}){0,2}", fullmatch=True),
    st.lists(LABEL, min_size=1, max_size=3),
    st.sampled_from(["pl", "com", "cz", "test", "local", "onion", "localhost", "x", "c0m"]),
)
# Anything near an address: upper case, dots in odd places, Unicode, spaces.
NEAR = st.text(alphabet="aZ0._+-@ .\u0142\uff41\u200b", max_size=30)


def _checked(value: str) -> str | None:
    """email-validator's answer: the one form, or None where it refuses."""
    try:
        return identity._email_checked(value)
    except ValidationError:
        return None


def _answer(value: str) -> str | None:
    try:
        return email_normalize(value)
    except ValidationError:
        return None


@given(PLAIN | NEAR)
@example("anna.kowalska+b2b@firma-przyklad.pl")
@example("a@lodz-hurt.test")
@example("a" * 65 + "@lodz-hurt.pl")
@example("jan@ab--cd.pl")
def test_the_shortcut_answers_as_email_validator_does(value):
    assert _answer(value) == _checked(value)


@pytest.mark.parametrize(
    "value",
    ["anna.kowalska+b2b@firma-przyklad.pl", "jan_k@lodz-hurt.com.pl", "a-b@x9.example.org"],
)
def test_a_plain_address_in_its_one_form_takes_the_shortcut(value, monkeypatch):
    monkeypatch.setattr(identity, "_email_checked", lambda value: pytest.fail(value))
    assert email_normalize(value) == value


@pytest.mark.parametrize(
    "value",
    ["Anna@firma.pl", "anna@firma.test", "anna@sub.localhost", "a..b@firma.pl", "jan@łódź.pl"],
)
def test_anything_else_goes_to_email_validator(value, monkeypatch):
    assert _PLAIN_ADDRESS.match(value) is None or not identity._plain_address(value)
    calls = []
    monkeypatch.setattr(identity, "_email_checked", lambda value: calls.append(value) or value)
    email_normalize(value)
    assert calls == [value]
