"""One open request per person (SPEC §11): one form of an email address, held by the database.

Found from outside: six identical sign-ups sent at once made two prospects; the same address
with a fullwidth letter, a zero-width space or (on SQLite) upper-case Polish letters in the
domain was taken for a new person; a partner user could sign up again.
"""

import threading
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.test import Client
from rest_framework.test import APIClient

from commerce.channel.models import OnboardingRequest, TransitionLog
from commerce.channel.services import onboarding_request_create
from commerce.jobs import job_execute
from commerce.models import Prospect
from commerce.selectors import onboarding_open_for_email
from core.identity import email_normalize
from tests.channel.portal_support import approved_organization
from tests.factories import OnboardingRequestFactory, ProspectFactory

SIGN_UP = "/partner/sign-up/"
API = "/api/channel/onboarding-requests/"
OPEN_REQUEST = "We already have an open request for this email address"
HAS_ACCESS = "You already have access to the B2B site."

db = pytest.mark.django_db(databases="__all__")


PARTY = {
    "company_name": "Hurtownia Łódź Sp. z o.o.",
    "first_name": "Jan",
    "last_name": "Żółkiewski",
    "email": "jan@lodz-hurt.pl",
    "phone": "+48 42 123 45 67",
    "job_title": "Kierownik zakupów",
    "street": "ul. Piotrkowska 1",
    "city": "Łódź",
    "state": "łódzkie",
    "postal_code": "90-001",
    "country": "PL",
    "tax_id": "",
    "website": "https://lodz-hurt.pl",
    "comments": "",
}


@pytest.fixture
def anonymous_client():
    return APIClient()


def _form(**changes) -> dict:
    return {**PARTY, "accept_terms": "on", "fax": "", **changes}


def _payload(**changes) -> dict:
    return {**PARTY, "terms_accepted": True, **changes}


def _requests():
    return OnboardingRequest.objects.using("channel")


# --- the one form of an address ---------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "jan@lodz-hurt.pl",
        "JAN@Lodz-Hurt.PL",
        "\uff4a\uff41\uff4e@lodz-hurt.pl",  # fullwidth letters (NFKC)
        "jan@lodz-hurt。pl",  # ideographic full stop between labels
        " jan@lodz-hurt.pl ",
    ],
)
def test_spellings_of_one_address_have_one_form(variant):
    assert email_normalize(variant) == "jan@lodz-hurt.pl"


@pytest.mark.parametrize(
    ("variant", "one_form"),
    [
        ("Jan@ŁÓDŹ.PL", "jan@łódź.pl"),
        ("jan@xn--dd-lia2b.pl", email_normalize("jan@xn--dd-lia2b.pl")),
        ("ZOFIA.ŻÓŁKIEWSKA@Firma.pl", "zofia.żółkiewska@firma.pl"),
    ],
)
def test_internationalized_addresses_are_lower_cased_in_their_unicode_form(variant, one_form):
    assert email_normalize(variant) == one_form
    assert email_normalize(one_form) == one_form  # the form is stable


@pytest.mark.parametrize(
    "refused",
    [
        "jan\u200b@lodz-hurt.pl",  # zero-width space
        "jan@lodz\u200d-hurt.pl",  # zero-width joiner
        "\u202ejan@lodz-hurt.pl",  # right-to-left override
        "jan\ufeff@lodz-hurt.pl",  # BOM
        "jan\u3164@lodz-hurt.pl",  # Hangul filler: a letter that shows nothing
        "jan\u034f@lodz-hurt.pl",  # combining grapheme joiner
        "jan\ufe0f@lodz-hurt.pl",  # variation selector
        "a@localhost",
        "a@[127.0.0.1]",
        "a@lodz-hurt.local",
        "a@nodot",
        "a" * 65 + "@lodz-hurt.pl",
        '"jan kowalski"@lodz-hurt.pl',
    ],
)
def test_invisible_characters_special_domains_and_long_local_parts_are_refused(refused):
    with pytest.raises(ValidationError) as error:
        email_normalize(refused)
    assert error.value.code == "invalid_email"


def test_a_64_character_local_part_is_accepted():
    assert email_normalize("a" * 64 + "@lodz-hurt.pl") == "a" * 64 + "@lodz-hurt.pl"


# --- the sign-up, form and API ----------------------------------------------------------------


@db
@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("jan@lodz-hurt.pl", "\uff4aan@lodz-hurt.pl"),
        ("jan@łódź.pl", "JAN@ŁÓDŹ.PL"),
        ("JAN@ŁÓDŹ.PL", "jan@łódź.pl"),
    ],
)
def test_a_variant_of_an_open_request_s_email_is_answered_kindly_on_the_form(first, again):
    client = Client()
    assert client.post(SIGN_UP, _form(email=first)).status_code == 302

    response = client.post(SIGN_UP, _form(email=again, company_name="Inna firma"))

    assert OPEN_REQUEST in response.content.decode()
    assert _requests().count() == 1
    assert _requests().get().email == email_normalize(first)


@db
@pytest.mark.parametrize(
    ("first", "again"),
    [("jan@lodz-hurt.pl", "\uff4aan@LODZ-HURT.pl"), ("jan@łódź.pl", "Jan@ŁÓDŹ.pl")],
)
def test_a_variant_of_an_open_request_s_email_is_answered_kindly_in_the_api(
    anonymous_client, first, again
):
    assert anonymous_client.post(API, _payload(email=first), format="json").status_code == 201

    response = anonymous_client.post(API, _payload(email=again), format="json")

    assert response.status_code == 200
    assert response.json()["code"] == "open_request_exists"
    assert _requests().count() == 1


@db
def test_an_address_with_a_zero_width_space_is_refused_not_taken_for_a_new_person(
    anonymous_client,
):
    response = anonymous_client.post(API, _payload(email="jan@lodz\u200b-hurt.pl"), format="json")
    form = Client().post(SIGN_UP, _form(email="jan@lodz\u200b-hurt.pl"))

    assert response.status_code == 400 and set(response.json()) == {"email"}
    assert form.status_code == 200 and "Enter a valid email address." in form.content.decode()
    assert not _requests().exists()


@db
def test_hq_finds_its_open_prospect_by_any_spelling_of_the_email():
    ProspectFactory(email="jan@łódź.pl")

    assert onboarding_open_for_email(email="JAN@ŁÓDŹ.PL")
    assert onboarding_open_for_email(email="\uff4aan@łódź.pl")
    assert not onboarding_open_for_email(email="zofia@łódź.pl")


@db
def test_the_database_holds_one_open_request_per_email_whatever_the_code_does():
    OnboardingRequestFactory(email="jan@lodz-hurt.pl")

    with pytest.raises(IntegrityError), transaction.atomic(using="channel"):
        OnboardingRequestFactory(email="jan@lodz-hurt.pl")
    # Once the first has gone to HQ, a new open request for the same email may be stored.
    _requests().update(status=OnboardingRequest.Status.UPLOADED)
    OnboardingRequestFactory(email="jan@lodz-hurt.pl")
    assert _requests().count() == 2


@db
def test_a_sign_up_that_loses_the_race_at_the_database_is_answered_kindly(monkeypatch):
    """The check passes for both at once; the second insert meets the constraint."""
    onboarding_request_create(values=_payload_values(), language="en")
    monkeypatch.setattr("commerce.channel.services._open_request_exists", _passes_once_then_real())

    again = onboarding_request_create(values=_payload_values(), language="en")

    assert (again.created, again.refusal) == (False, "open_request_exists")
    assert _requests().count() == 1


def _payload_values() -> dict:
    return dict(PARTY)


def _passes_once_then_real():
    from commerce.channel import services

    real = services._open_request_exists
    calls = []

    def check(email: str) -> bool:
        calls.append(email)
        return False if len(calls) == 1 else real(email)

    return check


# --- a partner user signing up again ----------------------------------------------------------


@db
def test_a_partner_user_signing_up_is_told_to_sign_in_in_their_language():
    organization = approved_organization(email="zofia@lodz-hurt.pl")
    prospects = Prospect.objects.count()

    response = Client().post(f"/pl{SIGN_UP}", _form(email="Zofia@LODZ-HURT.pl"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/pl/partner/sign-in/"' in html
    assert not _requests().exists()
    assert Prospect.objects.count() == prospects
    assert organization.admin_email == "zofia@lodz-hurt.pl"


@db
def test_the_english_page_tells_a_partner_user_they_already_have_access():
    approved_organization(email="zofia@lodz-hurt.pl")

    html = Client().post(SIGN_UP, _form(email="zofia@lodz-hurt.pl")).content.decode()

    assert HAS_ACCESS in html
    assert 'href="/partner/sign-in/"' in html


@db
def test_the_api_tells_a_partner_user_to_sign_in(anonymous_client):
    approved_organization(email="zofia@lodz-hurt.pl")

    response = anonymous_client.post(
        API, _payload(email="ZOFIA@lodz-hurt.pl"), format="json", HTTP_ACCEPT_LANGUAGE="cs"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "partner_exists"
    assert body["sign_in_url"].endswith("/cs/partner/sign-in/")
    assert not _requests().exists()


# --- existing duplicates (migration channel 0005) ---------------------------------------------


@db
def test_the_migration_keeps_later_duplicates_but_closes_them_and_normalizes_every_email():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("commerce.channel.migrations.0005_one_open_request_per_email")
    first = OnboardingRequestFactory(email="Jan@Lodz-Hurt.pl")
    later = OnboardingRequestFactory(email="jan@lodz-hurt.pl", company_name="Druga")
    uploaded = OnboardingRequestFactory(email="JAN@ŁÓDŹ.PL")
    _requests().filter(pk=uploaded.pk).update(status=OnboardingRequest.Status.UPLOADED)
    odd = OnboardingRequestFactory(email="x@y.pl")
    _requests().filter(pk=odd.pk).update(email=" Old@LocalHost ")

    # RunPython hands the function a schema editor; only its connection is read.
    migration.normalize_and_mark_duplicates(
        apps, SimpleNamespace(connection=connections["channel"])
    )

    rows = {row.pk: row for row in _requests()}
    assert (rows[first.pk].email, rows[first.pk].status) == ("jan@lodz-hurt.pl", "received")
    assert (rows[later.pk].email, rows[later.pk].status) == ("jan@lodz-hurt.pl", "duplicate")
    assert rows[later.pk].company_name == "Druga"  # nothing else changed
    assert (rows[uploaded.pk].email, rows[uploaded.pk].status) == ("jan@łódź.pl", "uploaded")
    assert rows[odd.pk].email == "old@localhost"  # refused today, kept as it was
    log = TransitionLog.objects.using("channel").get(object_key=str(later.request_id))
    assert (log.source_state, log.target_state) == ("received", "duplicate")
    assert str(first.request_id) in log.reason
    # A duplicate never goes to HQ: one prospect for the person.
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")
    assert list(Prospect.objects.values_list("request_id", flat=True)) == [first.request_id]


# --- six at once (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_six_identical_sign_ups_at_once_store_one_request_and_make_one_prospect():
    barrier = threading.Barrier(6)
    answers: list = []

    def sign_up() -> None:
        client = APIClient()
        barrier.wait()
        try:
            answers.append(client.post(API, _payload(), format="json"))
        finally:
            for connection in connections.all():
                connection.close()

    threads = [threading.Thread(target=sign_up) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answer.status_code for answer in answers) == [200] * 5 + [201]
    kind = [answer.json() for answer in answers if answer.status_code == 200]
    assert {body["code"] for body in kind} == {"open_request_exists"}
    assert _requests().count() == 1
    stored = _requests().get()
    created = next(answer for answer in answers if answer.status_code == 201)
    assert uuid.UUID(created.json()["request_id"]) == stored.request_id
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")
    assert list(Prospect.objects.values_list("request_id", flat=True)) == [stored.request_id]
