"""Channel services and selectors: sign-up storage, duplicates, public status."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from commerce.channel.models import OnboardingRequest
from commerce.channel.selectors import onboarding_request_public_status
from commerce.channel.services import onboarding_request_create
from commerce.jobs import job_execute
from commerce.models import Prospect
from commerce.services import prospect_approve, prospect_reject
from tests.factories import PARTY_DEFAULTS, OnboardingRequestFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def _values(**overrides) -> dict:
    values = {k: v for k, v in PARTY_DEFAULTS.items() if k != "language"}
    values.update({"company_name": "Żółta Łódź S.A.", "email": "jan@zolta-lodz.pl", **overrides})
    return values


def test_create_stores_the_request_byte_for_byte():
    result = onboarding_request_create(values=_values(), language="pl")
    assert result.created
    stored = OnboardingRequest.objects.get(request_id=result.request.request_id)
    assert stored.company_name == "Żółta Łódź S.A."
    assert stored.language == "pl"
    assert stored.status == OnboardingRequest.Status.RECEIVED


def test_create_refuses_invalid_values_and_stores_nothing():
    with pytest.raises(ValidationError) as error:
        onboarding_request_create(values=_values(company_name="A\x00B", phone="12"), language="en")
    assert {"company_name", "phone"} <= set(error.value.message_dict)
    assert not OnboardingRequest.objects.exists()


@pytest.mark.parametrize("stage", ["received", "staged", "prospect"])
def test_a_second_open_request_for_the_same_email_is_not_duplicated(stage):
    onboarding_request_create(values=_values(), language="pl")
    if stage in ("staged", "prospect"):
        job_execute(code="P-0001")
    if stage == "prospect":
        job_execute(code="sync-channel-requests")

    again = onboarding_request_create(values=_values(email="JAN@zolta-lodz.pl"), language="pl")

    assert not again.created and again.request is None
    assert OnboardingRequest.objects.count() == 1


def test_after_a_decision_the_same_email_may_ask_again():
    onboarding_request_create(values=_values(), language="pl")
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")
    prospect_reject(prospect_number=Prospect.objects.get().prospect_number, reason="x", actor="bo")

    assert onboarding_request_create(values=_values(), language="pl").created


def test_public_status_follows_the_request_through_hq():
    request = OnboardingRequestFactory()
    assert onboarding_request_public_status(request_id=request.request_id) == "received"
    job_execute(code="P-0001")
    assert onboarding_request_public_status(request_id=request.request_id) == "under_review"
    job_execute(code="sync-channel-requests")
    assert onboarding_request_public_status(request_id=request.request_id) == "under_review"
    prospect_approve(prospect_number=Prospect.objects.get().prospect_number, actor="bo")
    assert onboarding_request_public_status(request_id=request.request_id) == "approved"
    assert onboarding_request_public_status(request_id=uuid.uuid4()) is None
