"""English left on a translated page, found through the message catalogues (SPEC §14).

A page in Polish or Czech shows no text that equals an msgid whose translation differs from it:
such text is the English source that was never translated, or never marked for translation
where the catalogue has it. The catalogues are ours (locale/) and Django admin's, whose
strings the consoles show.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django.contrib.admin
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from django.conf import settings
from playwright.sync_api import Page

PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?([sdif])|\{\w*\}")
# What fills a placeholder: a number for %d and %f, else a short run of anything.
FILLING = {"d": r"[-+]?\d[\d\s.,]*", "i": r"[-+]?\d[\d\s.,]*", "f": r"[-+]?\d[\d\s.,]*"}
ANYTHING = r".{1,80}?"
LETTER = re.compile(r"[^\W\d_]")
# Text of these elements is data or code, not interface.
SKIPPED_ELEMENTS = "script, style, noscript, template, code, pre, kbd, samp, textarea"

# The page's visible strings: text nodes, the options of visible selects, and the interface text
# of attributes (button values, placeholders, titles, labels); an element's whole text too when
# it holds a short sentence whose placeholders are filled by inline children ("<b>3</b> new
# prospects").
# Text marked as another language (a language picker's "English") is not left untranslated.
VISIBLE_STRINGS_JS = """
(skipped) => {
  const pageLanguage = document.documentElement.lang;
  const inline = ["a", "abbr", "b", "bdi", "em", "i", "small", "span", "strong", "time", "var"];
  const visible = (element) => element.checkVisibility({checkVisibilityCSS: true})
    && (element.closest("[lang]")?.lang || pageLanguage) === pageLanguage;
  const strings = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest(skipped) || !visible(element)) continue;
    strings.add(node.data);
  }
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest(skipped) || !visible(element)) continue;
    for (const name of ["placeholder", "title", "aria-label", "alt"]) {
      if (element.hasAttribute(name)) strings.add(element.getAttribute(name));
    }
    if (element.matches("input[type=submit], input[type=button], input[type=reset]")) {
      strings.add(element.value);
    }
    if (element.matches("select")) {
      for (const option of element.options) {
        if ((option.closest("[lang]")?.lang || pageLanguage) === pageLanguage) {
          strings.add(option.text);
        }
      }
    }
    const phrasing = [...element.children].every((child) => inline.includes(child.localName));
    const parts = [...element.querySelectorAll("[lang]")];
    const foreign = parts.some((part) => part.lang !== pageLanguage);
    if (element.childElementCount && phrasing && !foreign && element.textContent.length <= 300) {
      strings.add(element.textContent);
    }
  }
  return [...strings];
}
"""


# Interface text the translation replaces: column headings, labels, legends, section headings,
# buttons, filter titles. Record titles and table cells (data) are left out.
INTERFACE_JS = """
(skipped) => {
  const pageLanguage = document.documentElement.lang;
  const selector = "thead th, label, legend, fieldset h2, .module h2, caption, dt, button, "
    + "input[type=submit], .object-tools a, #changelist-filter h3, #changelist-filter summary";
  return [...document.body.querySelectorAll(selector)]
    .filter((element) => !element.closest(skipped)
      && element.checkVisibility({checkVisibilityCSS: true})
      && (element.closest("[lang]")?.lang || pageLanguage) === pageLanguage)
    .map((element) => element.matches("input") ? element.value : element.textContent);
}
"""
# Fewer letters than this is an abbreviation or a code ("ID", "PLN", "B2B"), alike in every
# language.
WORD_LETTERS = 4


def normalized(text: str) -> str:
    return " ".join(text.split())


def _catalogue_files(language: str) -> list[Path]:
    admin_locale = Path(django.contrib.admin.__file__).parent / "locale" / language / "LC_MESSAGES"
    ours = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    return [ours, admin_locale / "django.po", admin_locale / "djangojs.po"]


@dataclass(frozen=True)
class EnglishSources:
    """The msgids of a language that must not appear as they are on its pages."""

    exact: dict[str, str]
    patterns: list[tuple[re.Pattern, str]]
    # Msgids the language writes the same way ("Status", "B2B"): fine on its pages.
    same: frozenset[str] = frozenset()

    def msgid_of(self, text: str) -> str | None:
        """The msgid this text is the untranslated form of, or None."""
        text = normalized(text)
        if not LETTER.search(text):
            return None
        if text in self.exact:
            return self.exact[text]
        for pattern, msgid in self.patterns:
            if pattern.fullmatch(text):
                return msgid
        return None


def _pattern(msgid: str) -> re.Pattern | None:
    """The msgid with its placeholders as wildcards; None when only placeholders would match."""
    literal = PLACEHOLDER.sub("", msgid)
    if len(LETTER.findall(literal)) < 3:
        return None
    pattern, end = "", 0
    for placeholder in PLACEHOLDER.finditer(msgid):
        pattern += re.escape(msgid[end : placeholder.start()].replace("%%", "%"))
        pattern += FILLING.get(placeholder.group(1), ANYTHING)
        end = placeholder.end()
    pattern += re.escape(msgid[end:].replace("%%", "%"))
    return re.compile(pattern, re.DOTALL)


def sources_of(messages: Iterable[Message]) -> EnglishSources:
    """The msgids of these messages whose translation is not the msgid itself."""
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern, str]] = []
    same: set[str] = set()
    for message in messages:
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in filter(None, sources):
            msgid = normalized(source)
            if all(normalized(form or "") == msgid for form in forms):
                same.add(msgid)
                continue
            if "<" in msgid:
                continue  # markup is never one text node
            if PLACEHOLDER.search(msgid):
                if pattern := _pattern(msgid):
                    patterns.append((pattern, msgid))
            else:
                exact.setdefault(msgid.replace("%%", "%"), msgid)
    return EnglishSources(exact=exact, patterns=patterns, same=frozenset(same))


@cache
def english_sources(language: str) -> EnglishSources:
    messages: list[Message] = []
    for path in _catalogue_files(language):
        with path.open("rb") as po:
            messages += read_po(po, locale=language)
    return sources_of(messages)


def visible_strings(page: Page) -> list[str]:
    return [s for s in map(normalized, page.evaluate(VISIBLE_STRINGS_JS, SKIPPED_ELEMENTS)) if s]


def english_on_page(page: Page, language: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """The page's visible strings that are untranslated English, each with its msgid.

    `data` are values the test entered (names, emails…): text equal to one of them is skipped.
    """
    sources = english_sources(language)
    skipped = {normalized(value) for value in data}
    found = []
    for text in visible_strings(page):
        if text in skipped:
            continue
        msgid = sources.msgid_of(text)
        if msgid is not None:
            found.append(repr(text) if msgid == text else f"{text!r} (msgid {msgid!r})")
    return sorted(set(found))


def interface_strings(page: Page) -> set[str]:
    return {s for s in map(normalized, page.evaluate(INTERFACE_JS, SKIPPED_ELEMENTS)) if s}


def same_as_english(
    page: Page, english: Page, language: str, *, data: tuple[str, ...] = ()
) -> list[str]:
    """Interface text of the page that reads exactly as on the same page in English, though
    the catalogues do not write it the same way: never marked for translation ("Revenue")."""
    same = english_sources(language).same
    skipped = {normalized(value) for value in data}
    return sorted(
        text
        for text in interface_strings(page) & interface_strings(english)
        if text not in same and text not in skipped and len(LETTER.findall(text)) >= WORD_LETTERS
    )
