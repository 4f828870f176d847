"""Reads of Commerce HQ data."""

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import (
    ChannelRequest,
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    JobRun,
    Prospect,
)

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


def customer_list(*, party_type: str | None = None) -> QuerySet[Customer]:
    customers = Customer.objects.using(DB).all()
    if party_type:
        customers = customers.filter(party_type=party_type)
    return customers


def customer_hierarchy_list() -> QuerySet[CustomerHierarchy]:
    """Hierarchies with their organization and members (and each member's customer) loaded."""
    members = HierarchyMember.objects.using(DB).select_related("customer").order_by("id")
    return (
        CustomerHierarchy.objects.using(DB)
        .select_related("organization")
        .prefetch_related(Prefetch("members", queryset=members))
    )


def email_notification_list(
    *,
    recipient: str | None = None,
    notification_type: str | None = None,
    status: str | None = None,
) -> QuerySet[EmailNotification]:
    notifications = EmailNotification.objects.using(DB).all()
    if recipient:
        notifications = notifications.filter(recipient__iexact=recipient)
    if notification_type:
        notifications = notifications.filter(type=notification_type)
    if status:
        notifications = notifications.filter(status=status)
    return notifications


def job_run_list(*, job: str | None = None) -> QuerySet[JobRun]:
    runs = JobRun.objects.using(DB).all()
    if job:
        runs = runs.filter(job=job)
    return runs


def job_runs_latest(*, per_job: int) -> dict[str, list[JobRun]]:
    """The `per_job` most recent runs of every job, by job code, in one query."""
    ranked = JobRun.objects.using(DB).annotate(
        rank=Window(
            RowNumber(), partition_by=F("job"), order_by=[F("started_at").desc(), F("id").desc()]
        )
    )
    runs: dict[str, list[JobRun]] = {}
    for run in ranked.filter(rank__lte=per_job).order_by("job", "rank"):
        runs.setdefault(run.job, []).append(run)
    return runs
