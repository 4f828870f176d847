"""Reads of the B2B site's data."""

import uuid

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from commerce.selectors import prospect_status_for_request

from .models import OnboardingRequest

PUBLIC_STATUSES = {
    "received": _("Received"),
    "under_review": _("Under review"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
}


def onboarding_request_public_status(*, request_id: uuid.UUID) -> str | None:
    """received / under_review / approved / rejected, or None for an unknown reference.

    Only the status leaves this function: the reference alone never reveals personal data.
    """
    state = (
        OnboardingRequest.objects.using("channel")
        .filter(request_id=request_id)
        .values_list("status", flat=True)
        .first()
    )
    if state is None:
        return None
    if state == OnboardingRequest.Status.RECEIVED:
        return "received"
    try:
        decision = prospect_status_for_request(request_id=request_id)
    except DatabaseError:  # HQ unreachable: the site still answers
        decision = None
    return decision if decision in ("approved", "rejected") else "under_review"
