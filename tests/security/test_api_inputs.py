"""Issue 11: no API input gives a server error — deep or large bodies, absurd page sizes (§11)."""

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commerce.api import ProspectViewSet
from commerce.channel.models import OnboardingRequest
from commerce.models import Prospect
from core.access import COMMERCE_BACK_OFFICE
from core.api_guards import MAX_JSON_DEPTH, json_depth_exceeds
from tests.factories import ProspectFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_UP = "/api/channel/onboarding-requests/"
PROSPECTS = "/api/commerce/prospects/"
TOO_DEEP = "The JSON body is nested too deeply."
TOO_LARGE = "The request body is too large."


def _nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def _nested_dict(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


DEEP_BODIES = {"list": _nested_list(1000), "dict": _nested_dict(1000)}


@pytest.fixture
def anonymous_client():
    # CSRF is enforced as for a browser: the sign-up needs no token, as in tests/api.
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def back_office_user():
    return UserFactory(username="anna.backoffice", groups=[COMMERCE_BACK_OFFICE])


@pytest.fixture
def back_office_token_client(back_office_user):
    client = APIClient()
    token = Token.objects.create(user=back_office_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _post_raw(client, url: str, body: str | bytes, **extra):
    return client.generic("POST", url, body, content_type="application/json", **extra)


# --- deeply nested JSON -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", DEEP_BODIES)
def test_a_deeply_nested_sign_up_body_is_a_json_400_and_stores_nothing(anonymous_client, shape):
    response = _post_raw(anonymous_client, SIGN_UP, DEEP_BODIES[shape])

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": TOO_DEEP, "code": "too_deep"}
    assert not OnboardingRequest.objects.using("channel").exists()


@pytest.mark.parametrize("shape", DEEP_BODIES)
def test_a_deeply_nested_body_to_a_commerce_endpoint_is_refused_and_changes_nothing(
    back_office_token_client, shape
):
    prospect = ProspectFactory()

    response = _post_raw(
        back_office_token_client,
        f"{PROSPECTS}{prospect.prospect_number}/reject/",
        DEEP_BODIES[shape],
    )

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP, "code": "too_deep"}
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW


def test_the_refusal_speaks_the_clients_language(anonymous_client):
    polish = _post_raw(anonymous_client, SIGN_UP, DEEP_BODIES["list"], HTTP_ACCEPT_LANGUAGE="pl")
    czech = _post_raw(anonymous_client, SIGN_UP, DEEP_BODIES["dict"], HTTP_ACCEPT_LANGUAGE="cs")

    assert polish.json()["detail"] == "Treść JSON jest zbyt głęboko zagnieżdżona."
    assert czech.json()["detail"] == "Tělo JSON je příliš hluboko vnořené."


def test_nesting_up_to_the_limit_is_read_and_brackets_in_strings_do_not_count(
    back_office_token_client,
):
    prospect = ProspectFactory()
    reason = "[[[{{{" * 100
    body = {"reason": reason, "extra": json.loads(_nested_list(MAX_JSON_DEPTH - 1))}

    response = back_office_token_client.post(
        f"{PROSPECTS}{prospect.prospect_number}/reject/", body, format="json"
    )

    assert response.status_code == 200, response.json()
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.REJECTED


def test_depth_counting():
    assert not json_depth_exceeds(_nested_list(MAX_JSON_DEPTH))
    assert json_depth_exceeds(_nested_list(MAX_JSON_DEPTH + 1))
    assert not json_depth_exceeds(json.dumps({"a": '\\"[[[' * 100, "b": [[1]]}))
    assert json_depth_exceeds('{"a": "\\"", "b": ' + _nested_list(MAX_JSON_DEPTH) + "}")


# --- body size --------------------------------------------------------------------------------


def test_a_body_over_the_size_limit_is_a_json_400_and_stores_nothing(anonymous_client):
    body = json.dumps({"company_name": "x" * (1024 * 1024)})

    response = _post_raw(anonymous_client, SIGN_UP, body)

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_LARGE, "code": "too_large"}
    assert not OnboardingRequest.objects.using("channel").exists()


def test_the_size_limit_follows_djangos_setting(back_office_token_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    prospect = ProspectFactory()
    url = f"{PROSPECTS}{prospect.prospect_number}/reject/"

    json_body = back_office_token_client.post(url, {"reason": "x" * 200}, format="json")
    form_body = back_office_token_client.generic(
        "POST", url, "reason=" + "x" * 200, content_type="application/x-www-form-urlencoded"
    )

    assert json_body.status_code == form_body.status_code == 400
    assert json_body.json()["code"] == form_body.json()["code"] == "too_large"
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW


# --- page sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "9223372036854775808"}, "limit"),
        ({"limit": "9223372036854775807"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"offset": "abc"}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "9223372036854775808"}, "offset"),
        ({"limit": "10", "offset": "9223372036854775800"}, "offset"),
    ],
)
def test_absurd_page_parameters_are_a_field_error_not_a_server_error(
    back_office_token_client, query, field
):
    ProspectFactory()

    response = back_office_token_client.get(PROSPECTS, query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {field}
    assert isinstance(response.json()[field][0], str)


def test_sensible_page_parameters_still_page(back_office_token_client):
    ProspectFactory.create_batch(3)

    response = back_office_token_client.get(PROSPECTS, {"limit": "2", "offset": "1"})
    default = back_office_token_client.get(PROSPECTS, {"limit": "", "offset": ""})

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2
    assert default.status_code == 200
    assert len(default.json()["results"]) == 3


# --- server errors ----------------------------------------------------------------------------


def test_an_unexpected_error_in_an_api_view_is_a_json_500(back_office_user, monkeypatch, caplog):
    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(ProspectViewSet, "get_queryset", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(back_office_user)

    response = client.get(PROSPECTS, HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "Wystąpił błąd serwera. Spróbuj ponownie później.",
        "code": "server_error",
    }
    assert "boom" not in response.content.decode()
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)
