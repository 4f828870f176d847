"""Reads of the jobs' records and of the work waiting for them (SPEC §6, §10)."""

from datetime import datetime

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ..channel.models import OnboardingRequest, PartnerUserRequest
from ..models import ChannelRequest, EmailNotification, JobRun

DB = "commerce"
CHANNEL_DB = "channel"


def _earliest(rows: QuerySet, field: str, *, order: str = "id"):
    """`field` of the first row in `order` (ids grow with time), or None."""
    return rows.order_by(order).values_list(field, flat=True).first()


def job_backlog_oldest() -> dict[str, datetime | None]:
    """Since when the oldest work of each kind has waited for the jobs or the mailer (None
    when none waits): channel requests for P-0001, staged requests for the sync job and due
    emails for the mailer. Each is one index lookup (status, then id or due time)."""
    channel_since = [
        _earliest(
            channel.objects.using(CHANNEL_DB).filter(status=channel.Status.RECEIVED), "created_at"
        )
        for channel in (OnboardingRequest, PartnerUserRequest)
    ]
    return {
        "channel_requests": min(filter(None, channel_since), default=None),
        "staged_requests": _earliest(
            ChannelRequest.objects.using(DB).filter(state=ChannelRequest.State.NEW), "staged_at"
        ),
        "due_emails": _earliest(
            EmailNotification.objects.using(DB).filter(
                status=EmailNotification.Status.QUEUED, next_attempt_at__lte=timezone.now()
            ),
            "next_attempt_at",
            order="next_attempt_at",
        ),
    }


def job_backlog_seconds() -> float:
    """Age of the oldest work that the jobs or the mailer should have taken; 0 when none waits.

    When this keeps growing, no worker (or no beat) is running.
    """
    now = timezone.now()
    waiting_since = job_backlog_oldest().values()
    return max(((now - since).total_seconds() for since in waiting_since if since), default=0.0)


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


def job_runs_found_work(runs: QuerySet[JobRun]) -> QuerySet[JobRun]:
    """Without the scheduled runs that found nothing to do: beat's safety net starts one a
    minute per job, and they would bury the runs that did something."""
    return runs.exclude(
        trigger=JobRun.Trigger.SCHEDULE, rows=0, errors=0, outcome=JobRun.Outcome.SUCCEEDED
    )
