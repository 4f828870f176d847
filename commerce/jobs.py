"""The jobs of SPEC §6: batch, idempotent, every run recorded as a JobRun.

P-0001 moves channel requests into HQ's staging table; "Synchronize orders and channel
requests" turns staged requests into prospects. Each is a Celery task (commerce.tasks.job_run),
kicked on the commit that gave it work and scheduled by celery-beat as a safety net.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import NotFound

from .channel.models import OnboardingRequest
from .models import ChannelRequest, EmailNotification, JobRun
from .services import EmailSpec, email_notifications_queue, prospects_create

logger = logging.getLogger(__name__)

CHANNEL_DB = "channel"
DB = "commerce"


@dataclass(frozen=True)
class Job:
    code: str
    slug: str
    name: str
    run: Callable[[JobRun, int], tuple[int, int]]  # returns (rows, row errors)


# --- P-0001 -----------------------------------------------------------------------------------


def _staged_row(request: OnboardingRequest, run: JobRun) -> ChannelRequest:
    return ChannelRequest(
        request_id=request.request_id,
        request_type=ChannelRequest.Type.ONBOARDING,
        email=request.email,
        payload=request.party_values(),
        upload_run=run,
    )


def _receipt(request: OnboardingRequest) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED,
        event_key=f"onboarding_request_received:{request.request_id}",
        recipient=request.email,
        language=request.language,
        context={
            "first_name": request.first_name,
            "last_name": request.last_name,
            "company_name": request.company_name,
            "request_id": str(request.request_id),
        },
    )


def channel_requests_upload(run: JobRun, batch_size: int) -> tuple[int, int]:
    """P-0001: stage every channel request not yet uploaded, batch by batch.

    Rows are claimed with SKIP LOCKED, so concurrent runs share the work; the staging table is
    unique by request id, so a batch that is staged but not marked (a crash between the two
    commits) is staged once when it is picked up again.
    """
    uploaded = 0
    while True:
        with transaction.atomic(using=CHANNEL_DB):
            batch = list(
                OnboardingRequest.objects.using(CHANNEL_DB)
                .select_for_update(skip_locked=True)
                .filter(status=OnboardingRequest.Status.RECEIVED)
                .order_by("id")[:batch_size]
            )
            if not batch:
                break
            with transaction.atomic(using=DB):
                ChannelRequest.objects.using(DB).bulk_create(
                    [_staged_row(request, run) for request in batch], ignore_conflicts=True
                )
                email_notifications_queue(specs=[_receipt(request) for request in batch])
                job_kick_on_commit(code="sync-channel-requests", using=DB)
            now = timezone.now()
            for request in batch:
                request.mark_uploaded(by=f"job {run.job}")
                request.uploaded_at = now
            OnboardingRequest.objects.using(CHANNEL_DB).bulk_update(
                batch, ["status", "uploaded_at"]
            )
        uploaded += len(batch)
    return uploaded, 0


# --- Synchronize orders and channel requests ---------------------------------------------------


def _prospect_row(staged: ChannelRequest) -> dict:
    payload = staged.payload
    return {
        **{name: payload[name] for name in OnboardingRequest.PARTY_FIELD_NAMES},
        "request_id": staged.request_id,
    }


def _process_onboarding(staged: ChannelRequest) -> None:
    from .models import Prospect

    if not Prospect.objects.using(DB).filter(request_id=staged.request_id).exists():
        prospects_create(rows=[_prospect_row(staged)])


def _row_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return f"{type(exc).__name__}: {exc}"


ROW_HANDLERS: dict[str, Callable[[ChannelRequest], None]] = {
    ChannelRequest.Type.ONBOARDING: _process_onboarding,
}


def channel_requests_synchronize(run: JobRun, batch_size: int) -> tuple[int, int]:
    """Turn staged requests into HQ records; a bad row is marked failed, the batch goes on."""
    processed = failed = 0
    actor = f"job {run.job}"
    while True:
        with transaction.atomic(using=DB):
            batch = list(
                ChannelRequest.objects.using(DB)
                .select_for_update(skip_locked=True)
                .filter(state=ChannelRequest.State.NEW)
                .order_by("id")[:batch_size]
            )
            if not batch:
                break
            for staged in batch:
                staged.attempts += 1
                try:
                    with transaction.atomic(using=DB):
                        ROW_HANDLERS[staged.request_type](staged)
                except Exception as exc:  # recorded on the row; the batch goes on
                    logger.warning("Staged request %s failed: %s", staged.request_id, exc)
                    staged.mark_failed(by=actor, reason=_row_error(exc)[:2000])
                    failed += 1
                else:
                    staged.mark_processed(by=actor)
                    staged.processed_at = timezone.now()
                    processed += 1
            ChannelRequest.objects.using(DB).bulk_update(
                batch, ["state", "error", "attempts", "processed_at"]
            )
    return processed + failed, failed


def channel_request_retry(*, request_id: str, actor: str) -> ChannelRequest:
    """Send a failed staged request back to the sync job (HQ action)."""
    with transaction.atomic(using=DB):
        staged = ChannelRequest.objects.using(DB).select_for_update().get(request_id=request_id)
        staged.retry(by=actor)
        staged.save()
        job_kick_on_commit(code="sync-channel-requests", using=DB)
    return staged


# --- registry and runner ----------------------------------------------------------------------

JOBS: dict[str, Job] = {
    job.code: job
    for job in (
        Job("P-0001", "p-0001", "P-0001 Upload channel requests", channel_requests_upload),
        Job(
            "Synchronize orders and channel requests",
            "sync-channel-requests",
            "Synchronize orders and channel requests",
            channel_requests_synchronize,
        ),
    )
}


def job_lookup(name: str) -> Job:
    """Find a job by code, slug or name, case-insensitively."""
    wanted = name.strip().lower()
    for job in JOBS.values():
        if wanted in (job.code.lower(), job.slug, job.name.lower()):
            return job
    raise NotFound(f"Unknown job '{name}'. Known jobs: {', '.join(JOBS)}.", code="unknown_job")


def job_execute(*, code: str, trigger: str = "hand", batch_size: int | None = None) -> JobRun:
    """Run one job now and record the run (start, end, rows, errors, outcome)."""
    job = job_lookup(code)
    run = JobRun.objects.using(DB).create(job=job.code, trigger=trigger)
    try:
        rows, errors = job.run(run, batch_size or settings.JOB_BATCH_SIZE)
    except Exception as exc:
        run.outcome = JobRun.Outcome.FAILED
        run.message = f"{type(exc).__name__}: {exc}"[:4000]
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "message", "finished_at"])
        raise
    run.rows, run.errors = rows, errors
    run.outcome = JobRun.Outcome.PARTIAL if errors else JobRun.Outcome.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["rows", "errors", "outcome", "finished_at"])
    return run


def job_kick_on_commit(*, code: str, using: str) -> None:
    """Run a job soon after the caller's transaction commits (SPEC §6: seconds, not minutes)."""
    from .tasks import job_run

    job_code = job_lookup(code).code
    transaction.on_commit(lambda: job_run.delay(job_code, "commit"), using=using)
