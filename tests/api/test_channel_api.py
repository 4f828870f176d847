"""Public B2B site API: onboarding requests and their status (SPEC §10, §11)."""

import uuid

import pytest

from commerce.channel.models import OnboardingRequest
from commerce.models import Prospect
from tests.factories import OnboardingRequestFactory, ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")

URL = "/api/channel/onboarding-requests/"


def _payload(**overrides) -> dict:
    payload = {
        "company_name": "Žluťoučký kůň s.r.o.",
        "first_name": "Łucja",
        "last_name": "Dvořáková",
        "email": "lucja@kun.cz",
        "phone": "+420 601 123 456",
        "job_title": "Nákupčí",
        "street": "ul. Piotrkowska 1",
        "city": "Łódź",
        "state": "",
        "postal_code": "90-001",
        "country": "PL",
        "tax_id": "",
        "website": "",
        "comments": "Dobrý den,\nrádi bychom u vás nakupovali.",
        "terms_accepted": True,
    }
    payload.update(overrides)
    return payload


def _stored():
    return OnboardingRequest.objects.using("channel")


def test_valid_request_is_stored_with_exact_unicode_and_normalised_values(anonymous_client):
    response = anonymous_client.post(
        URL,
        _payload(first_name="  Łucja ", phone="+420 601 123 456", website="kun.cz", language="cs"),
        format="json",
    )

    assert response.status_code == 201
    assert set(response.json()) == {"request_id", "status"}
    assert response.json()["status"] == "received"
    stored = _stored().get(request_id=response.json()["request_id"])
    assert stored.company_name == "Žluťoučký kůň s.r.o."
    assert stored.city == "Łódź"
    assert stored.last_name == "Dvořáková"
    assert stored.first_name == "Łucja"
    assert stored.phone == "+420601123456"
    assert stored.website == "https://kun.cz"
    assert stored.comments == "Dobrý den,\nrádi bychom u vás nakupovali."
    assert stored.language == "cs"
    assert stored.terms_accepted_at is not None
    assert stored.status == OnboardingRequest.Status.RECEIVED


def test_a_national_phone_is_read_in_the_country_and_a_bare_domain_taken_as_https(
    anonymous_client,
):
    response = anonymous_client.post(
        URL, _payload(phone="512 345 678", country="PL", website="zolc-lodz.pl"), format="json"
    )

    assert response.status_code == 201, response.json()
    stored = _stored().get(request_id=response.json()["request_id"])
    assert (stored.phone, stored.website) == ("+48512345678", "https://zolc-lodz.pl")


def test_language_defaults_to_the_language_of_the_request(anonymous_client):
    response = anonymous_client.post(URL, _payload(), format="json", HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 201
    assert _stored().get(request_id=response.json()["request_id"]).language == "pl"


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"company_name": None, "email": None}, {"company_name", "email"}),
        ({"company_name": "Ł" * 161}, {"company_name"}),
        ({"first_name": "Łuc\x07ja", "city": "Łódź\nCentrum"}, {"first_name", "city"}),
        ({"comments": "ok\x1b[31m"}, {"comments"}),
        ({"phone": "12"}, {"phone"}),
        ({"phone": "601 123 456", "country": "XX"}, {"country"}),
        ({"phone": "+48 12"}, {"phone"}),
        ({"country": "XX"}, {"country"}),
        ({"email": "lucja at kun.cz"}, {"email"}),
        ({"website": "javascript:alert(1)"}, {"website"}),
        ({"website": "https://" + "a" * 200 + ".cz"}, {"website"}),
        ({"terms_accepted": False}, {"terms_accepted"}),
        ({"terms_accepted": None}, {"terms_accepted"}),
        ({"language": "de"}, {"language"}),
    ],
)
def test_invalid_request_answers_field_errors_and_stores_nothing(
    anonymous_client, overrides, fields
):
    payload = {k: v for k, v in _payload(**overrides).items() if v is not None}

    response = anonymous_client.post(URL, payload, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not _stored().exists()


def test_a_second_open_request_for_the_same_email_is_answered_kindly(anonymous_client):
    first = anonymous_client.post(URL, _payload(), format="json")
    second = anonymous_client.post(
        URL, _payload(email="LUCJA@kun.cz", company_name="Jiná firma"), format="json"
    )

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["code"] == "open_request_exists"
    assert "already have an open request" in second.json()["detail"]
    assert "request_id" not in second.json()
    assert _stored().count() == 1
    assert _stored().get().company_name == "Žluťoučký kůň s.r.o."


def test_sign_ups_beyond_the_rate_limit_are_refused(anonymous_client, settings):
    settings.SIGNUP_RATE_LIMIT = "2/m"

    answers = [
        anonymous_client.post(URL, _payload(email=f"buyer{n}@kun.cz"), format="json")
        for n in range(3)
    ]

    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert "too many sign-up requests" in answers[2].json()["detail"]
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert sorted(_stored().values_list("email", flat=True)) == ["buyer0@kun.cz", "buyer1@kun.cz"]


def test_status_shows_only_the_reference_and_the_public_status(anonymous_client):
    request = OnboardingRequestFactory()

    response = anonymous_client.get(f"{URL}{request.request_id}/")

    assert response.status_code == 200
    assert response.json() == {"request_id": str(request.request_id), "status": "received"}


def test_status_follows_the_decision_in_hq(anonymous_client):
    request = OnboardingRequestFactory()
    _stored().filter(pk=request.pk).update(status=OnboardingRequest.Status.UPLOADED)
    ProspectFactory(request_id=request.request_id, status=Prospect.Status.REJECTED)

    response = anonymous_client.get(f"{URL}{request.request_id}/")

    assert response.json() == {"request_id": str(request.request_id), "status": "rejected"}


@pytest.mark.parametrize("reference", [str(uuid.uuid4()), "not-a-reference"])
def test_status_of_an_unknown_or_malformed_reference_is_a_json_404(anonymous_client, reference):
    OnboardingRequestFactory()

    response = anonymous_client.get(f"{URL}{reference}/")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No onboarding request has this reference.",
        "code": "not_found",
    }
