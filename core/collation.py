"""Alphabetical order as each language has it: the Unicode Collation Algorithm (pyuca) with the
Polish and Czech letters that are letters of their own.

pyuca sorts by the Unicode default, where "ł" is an "l" with a mark and "Ł" falls among the L
words, and Czech "č" among the C words. Polish puts ą ć ę ł ń ó ś ź ż each after its base letter
(ź before ż), Czech puts č after c, ř after r, š after s, ž after z and "ch" after h. Each such
letter collates as its base letter followed by a weight above every letter's, which sorts it
after every word of its base letter and before the next letter's.
"""

import unicodedata
from functools import cache

import pyuca
import pyuca.trie
from django.utils import translation

# The letters each language sorts after a base letter, in their order.
TAILORINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "pl": {
        "a": ("ą",),
        "c": ("ć",),
        "e": ("ę",),
        "l": ("ł",),
        "n": ("ń",),
        "o": ("ó",),
        "s": ("ś",),
        "z": ("ź", "ż"),
    },
    "cs": {"c": ("č",), "h": ("ch",), "r": ("ř",), "s": ("š",), "z": ("ž",)},
}
# Above every primary weight of the Unicode tables (their highest is below 0x10000).
_AFTER_EVERY_LETTER = 0x10000


class _TailoredTable:
    """The default table with a language's letters laid over it: the longer match wins, the
    language's on a tie."""

    def __init__(self, default: pyuca.trie.Trie, letters: pyuca.trie.Trie) -> None:
        self.default = default
        self.letters = letters

    def find_prefix(self, key: list[int]):
        found = self.letters.find_prefix(key)
        fallback = self.default.find_prefix(key)
        return found if found[1] and len(found[0]) >= len(fallback[0]) else fallback


class _TailoredCollator(pyuca.Collator):
    def __init__(self, default: pyuca.Collator, letters: pyuca.trie.Trie) -> None:
        # The default collator's tables, shared rather than loaded again.
        self.table = _TailoredTable(default.table, letters)
        self.implicit_weights = default.implicit_weights


def _spellings(letter: str) -> set[str]:
    """A letter as it is written in words: "ch", "Ch", "CH"."""
    return {letter, letter.capitalize(), letter.upper()}


@cache
def _default() -> pyuca.Collator:
    return pyuca.Collator()


@cache
def _collator(language: str) -> pyuca.Collator:
    default = _default()
    tailoring = TAILORINGS.get(language)
    if not tailoring:
        return default
    letters = pyuca.trie.Trie()
    for base, followers in tailoring.items():
        for rank, letter in enumerate(followers):
            for spelling in _spellings(letter):
                # The base letter in the case of the spelling's first letter, then the rank.
                base_cased = base.upper() if spelling[0].isupper() else base
                elements = default.collation_elements(base_cased)
                after = [_AFTER_EVERY_LETTER + rank, 0x20, 0x02]
                key = [ord(ch) for ch in unicodedata.normalize("NFD", spelling)]
                letters.add(key, [*elements, after])
    return _TailoredCollator(default, letters)


def sort_key(text: str, *, language: str | None = None) -> tuple[int, ...]:
    """The key that sorts `text` in `language`'s alphabet (by default the active language)."""
    language = (language or translation.get_language() or "").split("-")[0]
    return _collator(language).sort_key(text)


def country_sort_key(item: tuple[str, str]) -> tuple[int, ...]:
    """django-countries' sort key (code, name): by the name, in the active language."""
    return sort_key(str(item[1]))
