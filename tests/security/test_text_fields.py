"""Single-line fields refuse invisible and direction-changing characters; emails and websites
follow one set of rules in every system (SPEC §11).

Found from outside: a right-to-left override, U+2028/2029, zero-width characters, a BOM, bidi
isolates and tag characters were accepted in names (spoofing in consoles and emails);
`a@localhost`, `a@[127.0.0.1]` and 65-character local parts were accepted as emails, and a
website with a `"`.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from commerce.channel.models import OnboardingRequest, PartnerUserRequest
from commerce.models import Customer, CustomerHierarchy, HierarchyMember, Prospect
from core.models import PartyFields
from core.validators import validate_single_line
from sales.models import Account, Contact, Lead
from tests.factories import HierarchyMemberFactory, UserFactory

SIGN_UP = "/partner/sign-up/"
API = "/api/channel/onboarding-requests/"
INVISIBLE = "Invisible or text-direction characters are not allowed here."
SPOOFING = {
    "right-to-left override": "\u202e",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "BOM": "\ufeff",
    "first-strong isolate": "\u2068",
    "Arabic letter mark": "\u061c",
    "tag letter": "\U000e0041",
}
BAD_EMAILS = ["a@localhost", "a@[127.0.0.1]", "a" * 65 + "@kun.cz", "jan@kun\u200b.cz"]
BAD_WEBSITES = [
    'https://kun.cz/"onmouseover="alert(1)',
    "https://kun.cz/<script>",
    "https://kun.cz/a b",
    "https://kun.cz\\@evil.cz",
    "ftp://kun.cz",
]
PARTY = {
    "company_name": "Žluťoučký kůň s.r.o.",
    "first_name": "Łucja",
    "last_name": "Dvořáková",
    "email": "lucja@kun.cz",
    "phone": "+420 601 123 456",
    "job_title": "Nákupčí",
    "street": "Václavské náměstí 1",
    "city": "Praha",
    "postal_code": "110 00",
    "country": "CZ",
    "comments": "Dobrý den,\nrádi bychom u vás nakupovali.",
}

db = pytest.mark.django_db(databases="__all__")


def _stored():
    return OnboardingRequest.objects.using("channel")


@db
@pytest.mark.parametrize("character", SPOOFING.values(), ids=SPOOFING.keys())
def test_the_sign_up_form_refuses_spoofing_characters_in_names(character):
    data = {**PARTY, "first_name": f"Łuc{character}ja", "accept_terms": "on", "fax": ""}

    response = Client().post(SIGN_UP, data)

    assert response.status_code == 200
    assert INVISIBLE in response.content.decode()
    assert not _stored().exists()


@db
@pytest.mark.parametrize("character", SPOOFING.values(), ids=SPOOFING.keys())
def test_the_api_refuses_spoofing_characters_in_every_single_line_field(character):
    payload = {
        **PARTY,
        "company_name": f"Kůň{character} s.r.o.",
        "city": f"Pra{character}ha",
        "comments": f"Dobrý den,{character}\nrádi bychom u vás nakupovali.",
        "terms_accepted": True,
    }

    response = APIClient().post(API, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "company_name": [INVISIBLE],
        "city": [INVISIBLE],
        "comments": [INVISIBLE],
    }
    assert not _stored().exists()


@db
def test_comments_keep_their_line_breaks():
    payload = {**PARTY, "comments": "Řádek 1\r\nŘádek 2\n\tŘádek 3", "terms_accepted": True}

    assert APIClient().post(API, payload, format="json").status_code == 201
    assert _stored().get().comments == "Řádek 1\r\nŘádek 2\n\tŘádek 3"


@db
@pytest.mark.parametrize("email", BAD_EMAILS)
def test_the_sign_up_refuses_unreachable_and_malformed_emails(email):
    form = Client().post(SIGN_UP, {**PARTY, "email": email, "accept_terms": "on"})
    api = APIClient().post(API, {**PARTY, "email": email, "terms_accepted": True}, format="json")

    assert "Enter a valid email address." in form.content.decode()
    assert api.status_code == 400 and set(api.json()) == {"email"}
    assert not _stored().exists()


@db
@pytest.mark.parametrize("website", BAD_WEBSITES)
def test_the_sign_up_refuses_websites_that_are_not_plain_http_addresses(website):
    form = Client().post(SIGN_UP, {**PARTY, "website": website, "accept_terms": "on"})
    api = APIClient().post(
        API, {**PARTY, "website": website, "terms_accepted": True}, format="json"
    )

    assert form.status_code == 200 and "website" in form.context["form"].errors
    assert api.status_code == 400 and set(api.json()) == {"website"}
    assert not _stored().exists()


def _field_errors(model, values: dict) -> dict:
    errors = {}
    for name, value in values.items():
        try:
            model._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    return errors


@pytest.mark.parametrize("model", [OnboardingRequest, Prospect, Lead])
def test_every_party_record_refuses_spoofing_bad_emails_and_bad_websites(model):
    values = {**PARTY, "first_name": "Jan\u202eKowalski", "email": "a@localhost"}

    errors = _field_errors(model, {**values, "website": 'https://a.cz/"'})

    assert errors == {
        "first_name": [INVISIBLE],
        "email": ["Enter a valid email address."],
        "website": ["Enter a website starting with https:// or http://, without spaces or quotes."],
    }


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Customer, "email"),
        (Account, "email"),
        (Contact, "email"),
        (PartnerUserRequest, "email"),
    ],
)
def test_every_email_column_follows_the_same_rules(model, field):
    with pytest.raises(ValidationError):
        model._meta.get_field(field).run_validators("a@[127.0.0.1]")
    model._meta.get_field(field).run_validators("zofia.żółkiewska@łódź.pl")


@pytest.mark.parametrize("model", [Customer, Account])
def test_every_website_column_follows_the_same_rules(model):
    with pytest.raises(ValidationError):
        model._meta.get_field("website").run_validators('https://kun.cz/"')
    model._meta.get_field("website").run_validators("https://kun.cz/nabidka?x=1")


def test_every_text_party_field_is_single_line_but_comments():
    text_fields = [
        field
        for field in PartyFields._meta.get_fields()
        if isinstance(field, models.CharField)
        and not isinstance(field, models.EmailField | models.URLField)
        and not field.choices
        and field.name not in ("language", "country")
    ]
    assert {field.name for field in text_fields} >= {"company_name", "first_name", "city"}
    for field in text_fields:
        assert validate_single_line in field.validators, field.name


def test_hq_customer_records_refuse_spoofing_characters():
    # HQ's console edits these columns directly, and emails and the site print them.
    customer = _field_errors(
        Customer, {"name": "Kůň\u202es.r.o.", "city": "Praha\u200b", "street": "Husova 1"}
    )
    hierarchy = _field_errors(CustomerHierarchy, {"name": "Kůň\u2028s.r.o."})

    assert customer == {"name": [INVISIBLE], "city": [INVISIBLE]}
    assert hierarchy == {"name": [INVISIBLE]}


@db
@pytest.mark.parametrize("email", BAD_EMAILS)
def test_hq_console_refuses_an_unreachable_email_for_a_new_user(client, email):
    admin_member = HierarchyMemberFactory(role="admin", status="active")
    client.force_login(UserFactory(username="ewa.backoffice", groups=["Commerce back office"]))

    response = client.post(
        reverse("hq:commerce_customerhierarchy_member_add", args=[admin_member.hierarchy.pk]),
        {
            "first_name": "Ola",
            "last_name": "Nowak",
            "email": email,
            "role": "user",
            "language": "pl",
        },
    )

    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert HierarchyMember.objects.using("commerce").count() == 1
