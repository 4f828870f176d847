"""Commerce HQ API (SPEC §10): who may call it, by session or token."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commerce.models import JobRun, Prospect
from tests.api.commerce.support import API, _numbers
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")

HQ_ENDPOINTS = [
    ("get", f"{API}/prospects/"),
    ("get", f"{API}/prospects/PR-900001/"),
    ("post", f"{API}/prospects/PR-900001/approve/"),
    ("post", f"{API}/prospects/PR-900001/reject/"),
    ("get", f"{API}/customers/"),
    ("get", f"{API}/customer-hierarchies/"),
    ("get", f"{API}/email-notifications/"),
    ("get", f"{API}/jobs/"),
    ("post", f"{API}/jobs/p-0001/run/"),
    ("get", f"{API}/job-runs/"),
]


def _call(client, method: str, url: str):
    if method == "post":
        return client.post(url, {"reason": "Mimo oblast"}, format="json")
    return client.get(url)


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), HQ_ENDPOINTS)
def test_anonymous_callers_are_refused_and_nothing_changes(anonymous_client, method, url):
    prospect = ProspectFactory(prospect_number="PR-900001")

    response = _call(anonymous_client, method, url)

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Authentication credentials were not provided."
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW
    assert not JobRun.objects.exists()


@pytest.mark.parametrize(("method", "url"), HQ_ENDPOINTS)
def test_sales_reps_cannot_reach_hq(sales_rep_client, method, url):
    prospect = ProspectFactory(prospect_number="PR-900001")

    response = _call(sales_rep_client, method, url)

    assert response.status_code == 403
    assert "permission" in response.json()["detail"]
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW
    assert not JobRun.objects.exists()


def test_token_authentication_works(back_office_user):
    prospect = ProspectFactory()
    token = Token.objects.create(user=back_office_user)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get(f"{API}/prospects/")

    assert response.status_code == 200
    assert _numbers(response) == [prospect.prospect_number]


def test_a_wrong_token_is_refused():
    ProspectFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get(f"{API}/prospects/")

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Invalid token."
