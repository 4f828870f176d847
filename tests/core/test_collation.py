"""Countries in the reader's alphabet (core.collation): Polish and Czech letters of their own
after their base letter, every other order as Unicode's default."""

import pytest
import pyuca
from django.utils import translation
from django_countries import countries

from core.collation import sort_key
from core.models import PartyFields


def _names(language: str) -> list[str]:
    with translation.override(language):
        return [str(name) for _code, name in countries]


def _after_every(names: list[str], name: str, *, initial: str, but: str = "") -> bool:
    position = names.index(name)
    return all(
        names.index(other) < position
        for other in names
        if other.startswith(initial) and not (but and other.startswith(but))
    )


def test_polish_l_with_stroke_follows_every_l():
    names = _names("pl")

    assert names.index("Litwa") < names.index("Łotwa")
    # Unicode's default puts Łotwa among the L words, before Luksemburg.
    assert names.index("Luksemburg") < names.index("Łotwa")
    assert _after_every(names, "Łotwa", initial="L")
    first_m = next(name for name in names if name.startswith("M"))
    assert names.index("Łotwa") < names.index(first_m)


def test_polish_letters_each_after_their_base_letter():
    words = ["Żółw", "Źródło", "Zebra", "Ąb", "Az", "Ćma", "Czapla", "Śliwa", "Szczecin"]

    ordered = sorted(words, key=lambda word: sort_key(word, language="pl"))

    assert ordered == ["Az", "Ąb", "Czapla", "Ćma", "Szczecin", "Śliwa", "Zebra", "Źródło", "Żółw"]


def test_czech_c_with_caron_follows_every_c_and_precedes_d():
    names = _names("cs")

    assert names.index("Cookovy ostrovy") < names.index("Čad")
    # "Ch" is a letter of its own (after H).
    assert _after_every(names, "Čad", initial="C", but="Ch")
    first_d = next(name for name in names if name.startswith("D"))
    assert names.index("Čad") < names.index("Česko") < names.index(first_d)


def test_czech_ch_is_a_letter_after_h():
    names = _names("cs")

    assert _after_every(names, "Chile", initial="H")
    assert names.index("Honduras") < names.index("Chile") < names.index("Chorvatsko")
    first_i = next(name for name in names if name.startswith("I"))
    assert names.index("Chorvatsko") < names.index(first_i)


def test_english_keeps_unicode_s_default_order():
    names = _names("en")

    assert names == sorted(names, key=pyuca.Collator().sort_key)
    assert names.index("Åland Islands") < names.index("Albania")


def test_a_country_field_s_choices_follow_the_active_language():
    field = PartyFields._meta.get_field("country")

    with translation.override("cs"):
        labels = [str(label) for code, label in field.flatchoices if code]

    assert labels.index("Curaçao") < labels.index("Čad") < labels.index("Dánsko")


@pytest.mark.django_db
def test_the_sign_up_form_lists_countries_in_the_page_s_language(client):
    page = client.get("/pl/partner/sign-up/").content.decode()

    positions = [page.index(f">{name}</option>") for name in ("Litwa", "Luksemburg", "Łotwa")]
    assert positions == sorted(positions)
