"""Input strategies: valid sign-up values, and hostile text to put in place of any of them.

Limits come from the models, so the tests follow the product when a limit changes.
"""

import string

from django.conf import settings
from django_countries import countries
from hypothesis import example
from hypothesis import strategies as st

from commerce.channel.models import OnboardingRequest
from core.models import REQUESTER_FIELD_NAMES

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
COUNTRY_CODES = [code for code, _name in countries]


def max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# Printable characters of every script, with no spaces or control characters, so that a value
# drawn from it is neither blank nor changed by the forms' whitespace stripping.
VISIBLE = st.characters(categories=("L", "M", "N", "P", "S"))
# Characters the rules refuse in a single-line field (C0/C1 controls, private use) or that
# PostgreSQL cannot store (NUL), and allowed look-alikes of them (format characters).
CONTROL = st.sampled_from(["\x00", "\t", "\n", "\r", "\x0b", "\x1b", "\x7f", "\x85", "\ue000"])
FORMAT = st.sampled_from(["\u200b", "\u200d", "\u202e", "\ufeff", "\u00ad"])
MARKUP = st.sampled_from(
    ["<script>alert('x')</script>", '"><img src=x onerror=alert(1)>', "{{ secret }}", "&amp;"]
)
NATIVE = st.sampled_from(
    ["Łódź", "Żółkiewska", "Žluťoučký kůň úpěl ďábelské ódy", "Świętokrzyskie", "Příliš"]
)


def visible_text(limit: int) -> st.SearchStrategy[str]:
    """Valid text of 1..limit characters, sometimes with inner spaces and native words."""
    words = st.one_of(st.text(VISIBLE, min_size=1, max_size=limit), NATIVE)
    # Cut to the limit; the cut may end in a space, which the forms would strip.
    return st.lists(words, min_size=1, max_size=4).map(
        lambda parts: " ".join(parts)[:limit].rstrip()
    )


def hostile_text(limit: int) -> st.SearchStrategy[str]:
    """Text that may break a naive field: any Unicode, at and past the limit, controls, markup."""
    at_limit = st.text(VISIBLE, min_size=limit, max_size=limit)
    past_limit = st.text(VISIBLE, min_size=limit + 1, max_size=limit + 3)
    with_control = st.tuples(visible_text(limit), CONTROL, st.text(VISIBLE, max_size=5)).map(
        "".join
    )
    with_format = st.tuples(visible_text(limit - 1), FORMAT).map("".join)
    return st.one_of(
        st.text(max_size=limit + 5),
        at_limit,
        past_limit,
        with_control,
        with_format,
        MARKUP,
        st.just(""),
        st.just("   "),
    )


def emails() -> st.SearchStrategy[str]:
    local = st.text(string.ascii_lowercase + string.digits + "._-", min_size=1, max_size=20).filter(
        lambda value: value[0] not in "._-" and value[-1] not in "._-" and ".." not in value
    )
    domain = st.sampled_from(["hurtownia.pl", "kun.cz", "example.com", "żółw.pl", "b2b.example"])
    return st.tuples(local, domain).map("@".join)


PHONES = st.sampled_from(
    ["+48 42 123 45 67", "+420 601 234 567", "+49 30 1234567", "+1 202-555-0143", "+48123456789"]
)
WEBSITES = st.sampled_from(["", "https://hurtownia.example.pl", "kun.cz", "http://b2b.example/o"])


def valid_values() -> st.SearchStrategy[dict[str, str]]:
    """Party values that the sign-up form accepts."""

    def line(name: str, *, optional: bool = False) -> st.SearchStrategy[str]:
        text = visible_text(max_length(OnboardingRequest, name))
        return st.one_of(st.just(""), text) if optional else text

    return st.fixed_dictionaries(
        {
            "company_name": line("company_name"),
            "first_name": line("first_name"),
            "last_name": line("last_name"),
            "email": emails(),
            "phone": PHONES,
            "job_title": line("job_title"),
            "street": line("street"),
            "city": line("city"),
            "state": line("state", optional=True),
            "postal_code": line("postal_code"),
            "country": st.sampled_from(COUNTRY_CODES),
            "tax_id": line("tax_id", optional=True),
            "website": WEBSITES,
            "comments": st.one_of(
                st.just(""),
                st.lists(visible_text(200), max_size=5).map("\r\n".join),
            ),
        }
    )


def hostile_value(name: str) -> st.SearchStrategy[str]:
    if name == "email":
        return st.one_of(st.emails(), hostile_text(254), emails().map(lambda e: f" {e}\x00"))
    if name == "phone":
        digits = st.text(string.digits + " -()", max_size=40)
        return st.one_of(digits.map("+".__add__), digits, hostile_text(32))
    if name == "country":
        return st.one_of(
            st.sampled_from(COUNTRY_CODES).map(str.lower), st.text(max_size=4), hostile_text(2)
        )
    if name == "website":
        return st.one_of(hostile_text(200), st.text(max_size=30).map("https://".__add__))
    if name == "comments":
        return hostile_text(max_length(OnboardingRequest, "comments"))
    return hostile_text(max_length(OnboardingRequest, name))


# A Polish sign-up, and the hostile cases every run tries whatever Hypothesis draws.
POLISH_SIGN_UP = {
    "company_name": "Hurtownia Łódź Sp. z o.o.",
    "first_name": "Zofia",
    "last_name": "Żółkiewska",
    "email": "zofia@hurtownia-lodz.pl",
    "phone": "+48 42 123 45 67",
    "job_title": "Kierownik zakupów",
    "street": "ul. Piotrkowska 1",
    "city": "Łódź",
    "state": "łódzkie",
    "postal_code": "90-001",
    "country": "PL",
    "tax_id": "PL1234567890",
    "website": "https://hurtownia.example.pl",
    "comments": "Prosimy o kontakt.\r\nŽluťoučký kůň úpěl ďábelské ódy.",
}
EXPLICIT_CASES = [
    ({**POLISH_SIGN_UP, "email": "zofia@hurtownia-lodz.pl\x00"}, frozenset({"email"})),
    ({**POLISH_SIGN_UP, "comments": "NUL\x00byte"}, frozenset({"comments"})),
    # Found by hypothesis: an upper-case address is accepted in its one, lower-case form.
    ({**POLISH_SIGN_UP, "email": "0@A.aM"}, frozenset({"email"})),
    ({**POLISH_SIGN_UP, "country": "af"}, frozenset({"country"})),
    ({**POLISH_SIGN_UP, "company_name": "Ł" * 160}, frozenset()),
    ({**POLISH_SIGN_UP, "company_name": "Ł" * 161}, frozenset({"company_name"})),
    ({**POLISH_SIGN_UP, "city": "Łódź\u2028"}, frozenset({"city"})),
    ({**POLISH_SIGN_UP, "first_name": "<script>alert(1)</script>"}, frozenset()),
]


def explicit_cases(**arguments):
    """Run a test taking `drawn` (party values, hostile names) on EXPLICIT_CASES too."""

    def decorate(test):
        for case in EXPLICIT_CASES:
            test = example(drawn=case, **arguments)(test)
        return test

    return decorate


@st.composite
def mostly_valid(draw, **fields: tuple[st.SearchStrategy, st.SearchStrategy]) -> dict:
    """Keyword arguments, each drawn from (valid, hostile): all valid, or up to two hostile."""
    hostile = draw(st.frozensets(st.sampled_from(sorted(fields)), max_size=2))
    return {name: draw(fields[name][name in hostile]) for name in fields}


@st.composite
def party_values(draw) -> tuple[dict[str, str], frozenset[str]]:
    """Valid values with up to three of them replaced by hostile ones; and the replaced names."""
    values = draw(valid_values())
    hostile = draw(st.frozensets(st.sampled_from(REQUESTER_FIELD_NAMES), max_size=3))
    for name in sorted(hostile):
        values[name] = draw(hostile_value(name))
    return values, hostile
