"""The sign-up rate limit (SPEC §11): form and API count together, valid sign-ups only, per
client behind the configured number of trusted proxies; the API has the form's honeypot.

Found from outside: the two counted separately, invalid tries used up the limit, behind a
reverse proxy every client shared one bucket, and the API had no honeypot.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from commerce.channel.models import OnboardingRequest

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_UP = "/partner/sign-up/"
API = "/api/channel/onboarding-requests/"
LIMITED = "too many sign-up requests"

PARTY = {
    "company_name": "Žluťoučký kůň s.r.o.",
    "first_name": "Łucja",
    "last_name": "Dvořáková",
    "phone": "+420 601 123 456",
    "job_title": "Nákupčí",
    "street": "Václavské náměstí 1",
    "city": "Praha",
    "postal_code": "110 00",
    "country": "CZ",
}


def _form(n: int, **changes) -> dict:
    return {**PARTY, "email": f"form{n}@kun.cz", "accept_terms": "on", "fax": "", **changes}


def _payload(n: int, **changes) -> dict:
    return {**PARTY, "email": f"api{n}@kun.cz", "terms_accepted": True, **changes}


def _stored() -> list[str]:
    return sorted(OnboardingRequest.objects.using("channel").values_list("email", flat=True))


def test_form_and_api_sign_ups_count_together(settings):
    settings.SIGNUP_RATE_LIMIT = "5/h"
    browser, api = Client(), APIClient()

    answers = [browser.post(SIGN_UP, _form(n)).status_code for n in range(3)]
    answers += [api.post(API, _payload(n), format="json").status_code for n in range(2)]
    sixth = api.post(API, _payload(2), format="json")
    seventh = browser.post(SIGN_UP, _form(3))

    assert answers == [302, 302, 302, 201, 201]
    assert sixth.status_code == 429 and LIMITED in sixth.json()["detail"]
    assert seventh.status_code == 429 and LIMITED in seventh.content.decode()
    assert len(_stored()) == 5
    assert "api2@kun.cz" not in _stored()


def test_invalid_tries_do_not_use_up_the_limit(settings):
    settings.SIGNUP_RATE_LIMIT = "2/h"
    browser, api = Client(), APIClient()
    for n in range(5):
        assert browser.post(SIGN_UP, _form(n, phone="12")).status_code == 200
        assert api.post(API, _payload(n, country="XX"), format="json").status_code == 400

    assert browser.post(SIGN_UP, _form(0)).status_code == 302
    assert api.post(API, _payload(0), format="json").status_code == 201
    assert api.post(API, _payload(1), format="json").status_code == 429
    assert _stored() == ["api0@kun.cz", "form0@kun.cz"]


def test_clients_behind_a_trusted_proxy_count_separately(settings):
    settings.SIGNUP_RATE_LIMIT = "1/h"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = APIClient(HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    second = Client(HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)

    assert first.post(API, _payload(0), format="json").status_code == 201
    assert second.post(SIGN_UP, _form(0)).status_code == 302
    # The same client again, whatever it claims further left in the header.
    again = APIClient(HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy)
    assert again.post(API, _payload(1), format="json").status_code == 429
    assert _stored() == ["api0@kun.cz", "form0@kun.cz"]


def test_the_api_honeypot_looks_like_success_but_stores_and_counts_nothing(settings):
    settings.SIGNUP_RATE_LIMIT = "1/h"
    api = APIClient()

    response = api.post(API, _payload(0, fax="+1 555 0100"), format="json")

    assert response.status_code == 201
    assert set(response.json()) == {"request_id", "status"}
    assert _stored() == []
    # The made-up reference leads nowhere.
    assert api.get(f"{API}{response.json()['request_id']}/").status_code == 404
    assert api.post(API, _payload(1), format="json").status_code == 201
    assert api.post(API, _payload(2, fax=""), format="json").status_code == 429
