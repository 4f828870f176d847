"""The sign-up form: the model's rules for every field of SPEC §5 (SPEC §11)."""

import pytest

from commerce.channel.forms import OnboardingRequestForm, RequestStatusForm

pytestmark = pytest.mark.django_db(databases="__all__")

VALID = {
    "company_name": "Žluťoučký kůň s.r.o.",
    "first_name": "Jiří",
    "last_name": "Dvořák",
    "email": "jiri.dvorak@kun.cz",
    "phone": "+420 601 234 567",
    "job_title": "Nákupčí",
    "street": "Náměstí Míru 12",
    "city": "Brno",
    "state": "Jihomoravský kraj",
    "postal_code": "602 00",
    "country": "CZ",
    "tax_id": "CZ12345678",
    "website": "https://kun.example.cz",
    "comments": "Máme zájem o velkoobchodní ceny.\nDěkujeme.",
    "accept_terms": "on",
}
REQUIRED = (
    "company_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "street",
    "city",
    "postal_code",
    "country",
)


def _form(**changes):
    data = {**VALID, **changes}
    return OnboardingRequestForm({k: v for k, v in data.items() if v is not None})


def test_valid_form_gives_the_party_values_without_terms_and_honeypot():
    form = _form()
    assert form.is_valid(), form.errors
    values = form.party_values()
    assert set(values) == set(REQUIRED) | {"state", "tax_id", "website", "comments"}
    assert values["phone"] == "+420601234567"
    assert values["country"] == "CZ"


@pytest.mark.parametrize("name", REQUIRED)
def test_required_fields(name):
    form = _form(**{name: None})
    assert not form.is_valid()
    assert form.errors[name] == ["This field is required."]


def test_optional_fields_may_be_left_empty():
    form = _form(state="", tax_id="", website="", comments="")
    assert form.is_valid(), form.errors
    assert form.party_values()["website"] == ""


def test_terms_must_be_accepted():
    form = _form(accept_terms=None)
    assert not form.is_valid()
    assert form.errors["accept_terms"] == ["Please accept the terms to send your request."]


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("company_name", 160),
        ("first_name", 80),
        ("city", 100),
        ("postal_code", 20),
        ("tax_id", 40),
        ("comments", 2000),
    ],
)
def test_overlong_values_are_refused(name, limit):
    assert _form(**{name: "ł" * limit}).is_valid()
    form = _form(**{name: "ł" * (limit + 1)})
    assert not form.is_valid()
    assert form.errors[name] == [
        f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    ]


def test_null_character_is_refused():
    form = _form(company_name="Firma\x00 s.r.o.")
    assert not form.is_valid()
    assert form.errors["company_name"] == ["Null characters are not allowed."]


@pytest.mark.parametrize("name", ["company_name", "last_name", "street", "city", "tax_id"])
def test_control_characters_are_refused(name):
    form = _form(**{name: "Abc\x1b[31m"})
    assert not form.is_valid()
    assert form.errors[name] == [
        "Control characters (such as tabs or line breaks) are not allowed here."
    ]


def test_line_breaks_are_refused_in_single_lines_but_kept_in_comments():
    form = _form(city="Brno\nKrálovo Pole", comments="Řádek 1\r\nŘádek 2\tkonec")
    assert not form.is_valid()
    assert "Control characters" in form.errors["city"][0]
    assert "comments" not in form.errors
    assert not _form(comments="Ahoj\x07").is_valid()


@pytest.mark.parametrize("phone", ["+48 12", "+48 abc def ghi", "12", "+999 123 456 789"])
def test_an_impossible_phone_number_is_refused(phone):
    form = _form(phone=phone)
    assert not form.is_valid()
    assert form.errors["phone"] == ["Enter a valid phone number."]


def test_phone_is_normalised_to_e164():
    form = _form(phone=" +48 (12) 345-67-89 ")
    assert form.is_valid(), form.errors
    assert form.party_values()["phone"] == "+48123456789"


@pytest.mark.parametrize(
    ("phone", "country", "stored"),
    [
        ("512 345 678", "PL", "+48512345678"),
        ("601 234 567", "CZ", "+420601234567"),
        ("0048 512 345 678", "CZ", "+48512345678"),  # dialled from Czechia with its prefix
        ("+420 601 234 567", "PL", "+420601234567"),  # a country code wins over the country
    ],
)
def test_a_national_phone_number_is_read_in_the_chosen_country(phone, country, stored):
    form = _form(phone=phone, country=country)
    assert form.is_valid(), form.errors
    assert form.party_values()["phone"] == stored


def test_a_national_phone_number_without_a_valid_country_is_refused_once():
    form = _form(phone="512 345 678", country="XX")
    assert not form.is_valid()
    assert set(form.errors) == {"country", "phone"}
    assert len(form.errors["phone"]) == 1


@pytest.mark.parametrize("country", ["XX", "Poland", "pl ", "<b>PL</b>"])
def test_unknown_country_is_refused(country):
    form = _form(country=country)
    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["country"][0]


@pytest.mark.parametrize("email", ["jiri", "jiri@", "jiri@kun", "jiří@@kun.cz", "a b@kun.cz"])
def test_bad_email_is_refused(email):
    form = _form(email=email)
    assert not form.is_valid()
    assert form.errors["email"] == ["Enter a valid email address."]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("zolc-lodz.pl", "https://zolc-lodz.pl"),
        ("www.zolc-lodz.pl/o-nas", "https://www.zolc-lodz.pl/o-nas"),
        ("http://zolc-lodz.pl", "http://zolc-lodz.pl"),
    ],
)
def test_a_website_without_a_scheme_is_taken_as_https(typed, stored):
    form = _form(website=typed)
    assert form.is_valid(), form.errors
    assert form.party_values()["website"] == stored


def test_the_website_input_is_text_so_browsers_let_a_bare_domain_through():
    html = str(_form()["website"])
    assert 'type="text"' in html and 'inputmode="url"' in html


def test_bad_website_is_refused():
    form = _form(website="javascript:alert(1)")
    assert not form.is_valid()
    assert form.errors["website"] == ["Enter a valid URL."]


def test_whitespace_is_trimmed():
    form = _form(company_name="   Hurtownia Łódź  ", city="\u00a0Łódź ", email=" a@b.pl ")
    assert form.is_valid(), form.errors
    values = form.party_values()
    assert (values["company_name"], values["city"], values["email"]) == (
        "Hurtownia Łódź",
        "Łódź",
        "a@b.pl",
    )


def test_polish_and_czech_text_is_kept_byte_for_byte():
    decomposed = "Z\u030cluťoučký" + " kůň"  # "Ž" as Z + combining caron stays as typed
    form = _form(
        company_name="Zakład Łódź — „Żółć” Sp. z o.o.",
        first_name="Žofie",
        last_name=decomposed,
        city="Łódź",
        street="ul. Źródlana 5/7",
    )
    assert form.is_valid(), form.errors
    values = form.party_values()
    assert values["company_name"].encode() == "Zakład Łódź — „Żółć” Sp. z o.o.".encode()
    assert values["last_name"].encode() == decomposed.encode()
    assert values["city"].encode() == "Łódź".encode()
    assert values["street"] == "ul. Źródlana 5/7"


def test_honeypot_is_detected_but_not_an_error():
    assert not _form().honeypot_filled
    form = _form(fax="+48 555 000 111")
    assert form.honeypot_filled
    assert form.is_valid()


def test_status_form_requires_a_uuid():
    form = RequestStatusForm({"reference": "not-a-reference"})
    assert not form.is_valid()
    assert form.errors["reference"] == ["Enter the reference exactly as we gave it to you."]
