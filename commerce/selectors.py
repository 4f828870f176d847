"""Reads of Commerce HQ data."""

from django.db.models import Q, QuerySet

from .models import ChannelRequest, Prospect

DB = "commerce"


def prospect_list(*, status: str | None = None, search: str | None = None) -> QuerySet[Prospect]:
    prospects = Prospect.objects.using(DB).all()
    if status:
        prospects = prospects.filter(status=status)
    if search:
        prospects = prospects.filter(
            Q(prospect_number__iexact=search)
            | Q(company_name__icontains=search)
            | Q(email__icontains=search)
            | Q(last_name__icontains=search)
        )
    return prospects


def onboarding_open_for_email(*, email: str) -> bool:
    """An onboarding request from this email is staged or its prospect is still undecided."""
    return (
        ChannelRequest.objects.using(DB)
        .filter(
            email__iexact=email,
            request_type=ChannelRequest.Type.ONBOARDING,
            state=ChannelRequest.State.NEW,
        )
        .exists()
        or Prospect.objects.using(DB)
        .filter(email__iexact=email, status=Prospect.Status.NEW)
        .exists()
    )


def prospect_status_for_request(*, request_id) -> str | None:
    return (
        Prospect.objects.using(DB)
        .filter(request_id=request_id)
        .values_list("status", flat=True)
        .first()
    )
