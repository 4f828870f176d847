"""The sign-up form, page and API take any input without a server error (SPEC §11).

Each example either stores exactly one onboarding request whose fields equal the cleaned input
byte for byte, or writes nothing at all, in any database.
"""

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from commerce.channel.forms import OnboardingRequestForm
from commerce.channel.models import OnboardingRequest
from commerce.channel.serializers import OnboardingRequestSerializer
from core.identity import email_normalize

from .strategies import LANGUAGE_CODES, explicit_cases, hostile_text, party_values
from .support import rolled_back, row_counts, rows_added

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_UP = "/partner/sign-up/"
API = "/api/channel/onboarding-requests/"
STORED = {"channel:channel.OnboardingRequest": 1}
# Fields the form only strips; phone, country and website are also normalized.
STRIPPED_FIELDS = (
    "company_name",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "street",
    "city",
    "state",
    "postal_code",
    "tax_id",
    "comments",
)
# The `settings` fixture (set once per test) is shared by all examples, on purpose.
EXAMPLES = settings(
    max_examples=75,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def sign_up_unlimited(settings):
    """The per-client rate limit would answer 429 after a few of the many examples."""
    settings.SIGNUP_RATE_LIMIT = "100000/s"


def _stored(request_id) -> dict[str, str]:
    return OnboardingRequest.objects.using("channel").get(request_id=request_id).party_values()


@EXAMPLES
@given(drawn=party_values())
@explicit_cases()
def test_form_accepts_only_values_the_model_stores(drawn):
    values, hostile = drawn
    form = OnboardingRequestForm({**values, "accept_terms": "on"})
    event("valid" if form.is_valid() else "refused")
    if not form.is_valid():
        assert set(form.errors) <= hostile, form.errors
        return
    cleaned = form.party_values()
    # The address is kept in its one form (a hostile draw may be "0@A.aM"), the rest stripped.
    assert {name: cleaned[name] for name in STRIPPED_FIELDS} == {
        name: values[name].strip() for name in STRIPPED_FIELDS
    } | {"email": email_normalize(values["email"])}
    assert cleaned["phone"].startswith("+")
    assert cleaned["phone"][1:].isdigit()
    # What the form lets through, the model's own rules accept (the service runs them again).
    OnboardingRequest(**cleaned, terms_accepted_at=timezone.now()).full_clean(
        exclude=["request_id", "status"]
    )


@EXAMPLES
@given(
    drawn=party_values(),
    language=st.sampled_from(LANGUAGE_CODES),
    honeypot=st.one_of(st.just(""), hostile_text(20)),
)
@explicit_cases(language="pl", honeypot="")
def test_sign_up_page_stores_the_cleaned_input_or_nothing(
    drawn, language, honeypot, sign_up_unlimited
):
    values, _hostile = drawn
    data = {**values, "accept_terms": "on", "fax": honeypot}
    expected = OnboardingRequestForm(data)
    with rolled_back():
        before = row_counts()
        # The site's language is chosen by URL prefix; English has none.
        address = SIGN_UP if language == "en" else f"/{language}{SIGN_UP}"
        response = Client().post(address, data)
        event(f"HTTP {response.status_code}")
        added = rows_added(before, row_counts())
        if response.status_code == 302:
            assert expected.is_valid()
            assert not honeypot.strip()
            assert added == STORED
            request_id = response.url.rstrip("/").rsplit("/", 1)[-1]
            assert _stored(request_id) == {**expected.party_values(), "language": language}
        else:
            assert response.status_code == 200
            assert added == {}
            assert honeypot.strip() or not expected.is_valid()


@EXAMPLES
@given(
    drawn=party_values(),
    language=st.one_of(st.none(), st.sampled_from(LANGUAGE_CODES), hostile_text(8)),
    terms_accepted=st.sampled_from([True, True, False, "yes", "", None]),
)
@explicit_cases(language="pl", terms_accepted=True)
def test_sign_up_api_stores_the_validated_input_or_nothing(
    drawn, language, terms_accepted, sign_up_unlimited
):
    values, _hostile = drawn
    payload = {**values, "terms_accepted": terms_accepted}
    if language is not None:
        payload["language"] = language
    expected = OnboardingRequestSerializer(data=payload)
    with rolled_back():
        before = row_counts()
        response = APIClient().post(API, payload, format="json")
        event(f"HTTP {response.status_code}")
        added = rows_added(before, row_counts())
        body = response.json()
        if response.status_code == 201:
            assert expected.is_valid(), expected.errors
            assert added == STORED
            validated = {**expected.validated_data, "language": language or "en"}
            del validated["terms_accepted"]
            assert _stored(body["request_id"]) == validated
        else:
            assert response.status_code == 400, body
            assert added == {}
            assert not expected.is_valid()
            # Field errors as JSON, keyed by the fields that were sent (SPEC §11).
            assert body
            assert set(body) <= set(payload)
