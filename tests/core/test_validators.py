"""The character rules of SPEC §11, checked against the Unicode database itself."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from hypothesis import example, given
from hypothesis import strategies as st

from core.validators import WebsiteURLValidator, validate_multiline, validate_single_line

LINE_BREAKS = {"\t", "\n", "\r"}
CONTROL = ("Cc", "Cs", "Co")
# Format characters (zero-width, bidi controls, BOM, tags...) and line/paragraph separators.
INVISIBLE = ("Cf", "Zl", "Zp")
# Unassigned code points inside the invisible blocks, refused ahead of future Unicode versions.
UNASSIGNED_INVISIBLE = {0x2065, 0xE0000, *range(0xE0002, 0xE0020)}


def _refusal(validate, character: str) -> str | None:
    try:
        validate(f"a{character}b")
    except ValidationError as error:
        return error.code
    return None


def test_every_control_invisible_and_direction_character_is_refused_and_no_other():
    mismatches = []
    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        category = unicodedata.category(character)
        invisible = category in INVISIBLE or code_point in UNASSIGNED_INVISIBLE
        expected = (
            "invisible_characters"
            if invisible
            else "control_characters"
            if category in CONTROL
            else None
        )
        if expected != _refusal(validate_single_line, character):
            mismatches.append(("single line", hex(code_point)))
        multiline = None if character in LINE_BREAKS else expected
        if multiline != _refusal(validate_multiline, character):
            mismatches.append(("multiline", hex(code_point)))
    assert mismatches == []


@pytest.mark.parametrize(
    "character",
    ["\u202e", "\u2028", "\u2029", "\u200b", "\ufeff", "\u2066", "\U000e0041", "\u061c", "\u180e"],
)
def test_spoofing_characters_are_refused_with_a_clear_message(character):
    for validate in (validate_single_line, validate_multiline):
        with pytest.raises(ValidationError) as error:
            validate(f"Jan{character}Kowalski")
        assert error.value.messages == [
            "Invisible or text-direction characters are not allowed here."
        ]


@pytest.mark.parametrize(
    "value", ["Łukasiewicz-Dvořáková", "Žluťoučký kůň", "日本語", "שלום", "👍🏽"]
)
def test_letters_of_any_script_and_emoji_pass(value):
    validate_single_line(value)
    validate_multiline(f"{value}\n{value}\r\n\t{value}")


# --- the website shortcut ------------------------------------------------------------------

# Mostly labels the shortcut takes, some with a hyphen at an edge or over 63 characters.
WEBSITE_LABEL = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", fullmatch=True) | (
    st.from_regex(r"-?[a-z0-9-]{1,12}-?|a{62,64}", fullmatch=True)
)
# Addresses the shortcut may take, and their near misses: labels with edge hyphens, digit
# top-level domains, ports, paths, other schemes, case.
WEBSITES = st.builds(
    lambda scheme, labels, tld, port, path: f"{scheme}://{'.'.join([*labels, tld])}{port}{path}",
    st.sampled_from(["http", "https", "HTTPS", "ftp", "http:", "javascript"]),
    st.lists(WEBSITE_LABEL, min_size=1, max_size=4),
    st.sampled_from(["pl", "com", "c0m", "x", "PL", "a" * 63, "a" * 64, "xn--p1ai", "-pl", ""]),
    st.sampled_from(["", "", ":8080", ":99999", ":123456", ":"]),
    st.just("") | st.from_regex(r"(/[a-zA-Z0-9._~-]{0,12}){1,3}|/[a-z%?#= ]{0,6}", fullmatch=True),
)
NEAR_WEBSITES = st.text(alphabet="hHtps:/.a0-_\u0142 @[]", max_size=40)


def _django_accepts(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _shortcut_accepts(value: str) -> bool:
    try:
        WebsiteURLValidator()(value)
    except ValidationError:
        return False
    return True


@given(WEBSITES | NEAR_WEBSITES)
@example("https://firma.example.pl")
@example("https://a-.example.pl")
@example("https://-a.example.pl")
@example("https://firma.c0m")
@example("https://firma.p")
@example("http://" + "a" * 64 + ".pl")
@example("https://" + ".".join(["abcdefghij"] * 24) + ".pl")
def test_the_website_shortcut_accepts_what_djangos_url_validator_accepts(value):
    assert _shortcut_accepts(value) == _django_accepts(value)


@pytest.mark.parametrize(
    "value", ["https://firma.example.pl", "http://Lodz-Hurt.PL:8080/o-nas/kontakt.html"]
)
def test_a_plain_website_takes_the_shortcut(value, monkeypatch):
    monkeypatch.setattr(URLValidator, "__call__", lambda self, value: pytest.fail(value))
    WebsiteURLValidator()(value)
