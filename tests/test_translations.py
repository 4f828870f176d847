"""The Polish and Czech catalogues are complete (SPEC §14): every msgid translated, none fuzzy,
every plural form filled, and the translation's placeholders those of the msgid."""

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

from tests.browser.catalogue import sources_of

LANGUAGES = ("pl", "cs")
# %(name)s, %s, %d… (not %%); {name} in python-brace-format messages.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifrxXeEgGco])")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


def catalogue_path(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def _placeholders(text: str, message: Message) -> set[str]:
    found = set()
    if "python-format" in message.flags:
        percent = PERCENT_PLACEHOLDER.findall(text.replace("%%", ""))
        found |= {name or f"%{kind}" for name, kind in percent}
    if "python-brace-format" in message.flags:
        found |= {f"{{{name}}}" for name in BRACE_PLACEHOLDER.findall(text)}
    return found


def problem(message: Message) -> str | None:
    """Why this message is not fit to show, or None."""
    if message.fuzzy:
        return "fuzzy"
    sources = message.id if isinstance(message.id, tuple) else (message.id,)
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    if not all(forms):
        return "untranslated" if not any(forms) else "a plural form is missing"
    wanted = set().union(*(_placeholders(source, message) for source in sources))
    if not isinstance(message.id, tuple):
        got = _placeholders(forms[0], message)
        if got != wanted:
            return f"placeholders {sorted(got)} instead of {sorted(wanted)}"
        return None
    # A plural form may leave out the count ("jeden"), but brings no placeholder of its own
    # and together the forms use every one.
    got_each = [_placeholders(form, message) for form in forms]
    if any(got - wanted for got in got_each) or set().union(*got_each) != wanted:
        return f"placeholders {[sorted(got) for got in got_each]} instead of {sorted(wanted)}"
    return None


def catalogue_problems(language: str) -> dict[str, list[str]]:
    """Offending msgids of the language's catalogue, by the file they come from."""
    path = catalogue_path(language)
    with path.open("rb") as po:
        catalogue = read_po(po, locale=language)
    problems = defaultdict(list)
    for message in catalogue:
        if not message.id:
            continue  # the header
        # Plural entries need as many forms as the language has.
        if isinstance(message.id, tuple) and len(message.string) != catalogue.num_plurals:
            why = f"{len(message.string)} plural forms instead of {catalogue.num_plurals}"
        else:
            why = problem(message)
        if why:
            where = message.locations[0][0] if message.locations else "(no location)"
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            problems[where].append(f"{msgid!r}: {why}")
    return dict(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(language):
    problems = catalogue_problems(language)
    count = sum(map(len, problems.values()))
    report = "\n".join(
        f"{where}:\n" + "\n".join(f"    {line}" for line in lines)
        for where, lines in sorted(problems.items())
    )
    assert count == 0, f"{catalogue_path(language)}: {count} messages not fit to show\n{report}"


@pytest.mark.parametrize(
    ("msgid", "string", "flags", "expected"),
    [
        ("Approve", "Zatwierdź", (), None),
        ("Approve", "", (), "untranslated"),
        ("Approve", "Zatwierdź", ("fuzzy",), "fuzzy"),
        ("Hello %(name)s", "Dzień dobry %(name)s", ("python-format",), None),
        ("Hello %(name)s", "Dzień dobry %(imie)s", ("python-format",), "placeholders"),
        ("Hello {name}", "Dzień dobry", ("python-brace-format",), "placeholders"),
        ("100%% sure, %(name)s", "Na 100%%, %(name)s", ("python-format",), None),
        (
            ("%(count)s lead", "%(count)s leads"),
            ("jeden lead", "%(count)s leady", "%(count)s leadów", ""),
            ("python-format",),
            "a plural form is missing",
        ),
        (
            ("%(count)s lead", "%(count)s leads"),
            ("jeden lead", "%(count)s leady", "%(count)s leadów", "%(count)s leadu"),
            ("python-format",),
            None,
        ),
        (
            ("%(count)s lead", "%(count)s leads"),
            ("%(n)s lead", "%(count)s leady", "%(count)s leadów", "%(count)s leadu"),
            ("python-format",),
            "placeholders",
        ),
    ],
)
def test_the_check_names_what_is_wrong(msgid, string, flags, expected):
    why = problem(Message(msgid, string, flags=flags))
    assert (why is None) if expected is None else why.startswith(expected), why


ENGLISH = sources_of(
    [
        Message("Approve", "Zatwierdź"),
        Message("Run now: %(name)s", "Uruchom teraz: %(name)s", flags=("python-format",)),
        Message(("%(count)d second", "%(count)d seconds"), ("", "", "", "")),
        Message("ID", "ID"),  # the same in Polish: not English left over
        Message("Search", ""),  # untranslated: English on the page
        Message("%(name)s (%(code)s)", "%(name)s (%(code)s)"),
    ]
)


@pytest.mark.parametrize(
    ("text", "msgid"),
    [
        ("Approve", "Approve"),
        ("  Approve\n ", "Approve"),
        ("Zatwierdź", None),
        ("Run now: 1010 Customers", "Run now: %(name)s"),
        ("3 seconds", "%(count)d seconds"),
        ("1 second", "%(count)d second"),
        ("Oldest email waiting 3 seconds", None),  # a %d is filled by a number, nothing else
        ("ID", None),
        ("Search", "Search"),
        ("Hurtownia (C-000001)", None),  # only placeholders: any text would match
        ("42", None),
    ],
)
def test_english_left_on_a_page_is_found_by_its_msgid(text, msgid):
    assert ENGLISH.msgid_of(text) == msgid


def _msgids(path: Path) -> set[str]:
    with path.open("rb") as po:
        messages = [message.id for message in read_po(po) if message.id]
    return {msgid[0] if isinstance(msgid, tuple) else msgid for msgid in messages}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_the_catalogues_hold_exactly_the_messages_of_the_code(tmp_path, monkeypatch, settings):
    """makemessages (README's command) into a copy of locale/ adds and drops no msgid."""
    copy = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "locale", copy)
    settings.LOCALE_PATHS = [copy]
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        "makemessages",
        locale=list(LANGUAGES),
        no_obsolete=True,
        ignore_patterns=[".venv", "var", "tests", "bench"],
        verbosity=0,
    )
    problems = []
    for language in LANGUAGES:
        before = _msgids(catalogue_path(language))
        after = _msgids(copy / language / "LC_MESSAGES" / "django.po")
        problems += [
            f"{language}: not in the catalogue: {msgid!r}" for msgid in sorted(after - before)
        ]
        problems += [
            f"{language}: no longer in the code: {msgid!r}" for msgid in sorted(before - after)
        ]
    assert not problems, "run makemessages (README, Translations):\n" + "\n".join(problems)
