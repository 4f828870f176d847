"""The character rules of SPEC §11, checked against the Unicode database itself."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from core.validators import validate_multiline, validate_single_line

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
