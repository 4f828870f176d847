"""The control-character rules of SPEC §11, checked against the Unicode database itself."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from core.validators import validate_multiline, validate_single_line

LINE_BREAKS = {"\t", "\n", "\r"}


def _refused(validate, character: str) -> bool:
    try:
        validate(f"a{character}b")
    except ValidationError:
        return True
    return False


def test_every_control_surrogate_and_private_use_character_is_refused_and_no_other():
    mismatches = []
    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        control = unicodedata.category(character) in ("Cc", "Cs", "Co")
        if control != _refused(validate_single_line, character):
            mismatches.append(("single line", hex(code_point)))
        if (control and character not in LINE_BREAKS) != _refused(validate_multiline, character):
            mismatches.append(("multiline", hex(code_point)))
    assert mismatches == []


@pytest.mark.parametrize("value", ["Łukasiewicz-Dvořáková", "Žluťoučký kůň", "日本語", "👩‍💼"])
def test_letters_of_any_script_and_emoji_pass(value):
    validate_single_line(value)
    validate_multiline(f"{value}\n{value}\r\n\t{value}")
