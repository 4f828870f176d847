"""B2B site actions."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from commerce.jobs import job_kick_on_commit
from commerce.selectors import onboarding_open_for_email

from .models import OnboardingRequest

DB = "channel"


@dataclass(frozen=True)
class OnboardingRequestResult:
    request: OnboardingRequest | None
    created: bool


def _open_request_exists(email: str) -> bool:
    received = (
        OnboardingRequest.objects.using(DB)
        .filter(email__iexact=email, status=OnboardingRequest.Status.RECEIVED)
        .exists()
    )
    return received or onboarding_open_for_email(email=email)


def onboarding_request_create(*, values: dict, language: str) -> OnboardingRequestResult:
    """Store a validated sign-up; a second open request for the same email is not duplicated.

    `values` holds the party fields of SPEC §5, already cleaned by the sign-up form.
    """
    if _open_request_exists(values["email"]):
        return OnboardingRequestResult(request=None, created=False)
    request = OnboardingRequest(**values, language=language, terms_accepted_at=timezone.now())
    request.full_clean(exclude=["request_id", "status"])
    with transaction.atomic(using=DB):
        request.save(using=DB)
        job_kick_on_commit(code="P-0001", using=DB)
    return OnboardingRequestResult(request=request, created=True)
