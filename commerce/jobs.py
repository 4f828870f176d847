"""The jobs of SPEC §6: batch, idempotent, every run recorded as a JobRun.

P-0001 moves channel requests into HQ's staging table; "Synchronize orders and channel
requests" turns staged requests into prospects and hierarchy member changes; "1010 Customers"
copies customers, hierarchies and partner users back to the channel. Each is a Celery task
(commerce.tasks.job_run), kicked on the commit that gave it work and scheduled by celery-beat
as a safety net.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.batches import savepoint_apply
from core.errors import NotFound, ServiceError
from core.fsm import transition_logs_batched
from core.kicks import task_kick_on_commit

from .channel.models import (
    ChannelCustomer,
    ChannelHierarchy,
    ChannelHierarchyMember,
    OnboardingRequest,
    PartnerUserRequest,
)
from .emails import EmailSpec
from .models import (
    ChannelRequest,
    Customer,
    EmailNotification,
    HierarchyMember,
    JobRun,
    Prospect,
)
from .services import (
    email_notifications_queue,
    hierarchy_member_add,
    hierarchy_member_change,
    hierarchy_member_remove,
    prospects_create,
)

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


def _onboarding_staged_row(request: OnboardingRequest, run: JobRun) -> ChannelRequest:
    return ChannelRequest(
        request_id=request.request_id,
        request_type=ChannelRequest.Type.ONBOARDING,
        email=request.email,
        payload=request.party_values(),
        upload_run=run,
    )


def _receipts(requests: list[OnboardingRequest]) -> list[EmailSpec]:
    return [
        EmailSpec(
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
        for request in requests
    ]


def _partner_user_staged_row(request: PartnerUserRequest, run: JobRun) -> ChannelRequest:
    return ChannelRequest(
        request_id=request.request_id,
        request_type=ChannelRequest.Type.PARTNER_USER,
        email=request.email,
        payload=request.payload(),
        upload_run=run,
    )


@dataclass(frozen=True)
class _Upload:
    """One kind of channel request P-0001 stages: its model and how a row is staged."""

    model: type[OnboardingRequest] | type[PartnerUserRequest]
    staged_row: Callable[..., ChannelRequest]
    receipts: Callable[[list], list[EmailSpec]] = lambda requests: []


UPLOADS = (
    _Upload(OnboardingRequest, _onboarding_staged_row, _receipts),
    _Upload(PartnerUserRequest, _partner_user_staged_row),
)


def _upload(upload: _Upload, run: JobRun, batch_size: int) -> int:
    uploaded = 0
    model = upload.model
    while True:
        _run_alive(run)
        with transaction.atomic(using=CHANNEL_DB), transition_logs_batched():
            batch: list[Any] = list(
                model.objects.using(CHANNEL_DB)
                .select_for_update(skip_locked=True)
                .filter(status=model.Status.RECEIVED)
                .order_by("id")[:batch_size]
            )
            if not batch:
                break
            with transaction.atomic(using=DB):
                ChannelRequest.objects.using(DB).bulk_create(
                    [upload.staged_row(request, run) for request in batch], ignore_conflicts=True
                )
                # Kicked first, so a free worker takes the flow on before the receipts.
                job_kick_on_commit(code="sync-channel-requests", using=DB)
                email_notifications_queue(specs=upload.receipts(batch))
            for request in batch:
                request.mark_uploaded(by=f"job {run.job}")
            # Every row gets the same values: one UPDATE, where bulk_update builds a CASE per row.
            model.objects.using(CHANNEL_DB).filter(pk__in=[request.pk for request in batch]).update(
                status=model.Status.UPLOADED, uploaded_at=timezone.now()
            )
        uploaded += len(batch)
    return uploaded


def channel_requests_upload(run: JobRun, batch_size: int) -> tuple[int, int]:
    """P-0001: stage every channel request not yet uploaded, batch by batch.

    Rows are claimed with SKIP LOCKED, so concurrent runs share the work; the staging table is
    unique by request id, so a batch that is staged but not marked (a crash between the two
    commits) is staged once when it is picked up again.
    """
    return sum(_upload(upload, run, batch_size) for upload in UPLOADS), 0


# --- Synchronize orders and channel requests ---------------------------------------------------


def _prospect_row(staged: ChannelRequest) -> dict:
    payload = staged.payload
    return {
        **{name: payload[name] for name in OnboardingRequest.PARTY_FIELD_NAMES},
        "request_id": staged.request_id,
    }


def _process_onboardings(staged_rows: list[ChannelRequest]) -> None:
    """Create the prospects of these requests together; a request already done is skipped."""
    done = set(
        Prospect.objects.using(DB)
        .filter(request_id__in=[staged.request_id for staged in staged_rows])
        .values_list("request_id", flat=True)
    )
    prospects_create(
        rows=[_prospect_row(staged) for staged in staged_rows if staged.request_id not in done]
    )


def _process_partner_users(staged_rows: list[ChannelRequest]) -> None:
    for staged in staged_rows:
        _process_partner_user(staged)


def _process_partner_user(staged: ChannelRequest) -> None:
    """An admin's add, change or removal on the B2B site, applied by HQ's member services."""
    payload = staged.payload
    action = payload["action"]
    limit = payload["spending_limit"]
    spending_limit = None if limit is None else Decimal(limit)
    common = {"hierarchy_id": payload["hierarchy_id"], "actor": payload["requested_by"]}
    if action == PartnerUserRequest.Action.ADD:
        hierarchy_member_add(
            **common,
            first_name=payload["first_name"],
            last_name=payload["last_name"],
            email=payload["email"],
            role=payload["role"],
            spending_limit=spending_limit,
            language=payload["language"],
        )
    elif action == PartnerUserRequest.Action.CHANGE:
        hierarchy_member_change(
            **common,
            account_number=payload["account_number"],
            values={
                "first_name": payload["first_name"],
                "last_name": payload["last_name"],
                "role": payload["role"],
                "spending_limit": spending_limit,
            },
        )
    elif action == PartnerUserRequest.Action.REMOVE:
        hierarchy_member_remove(
            **common,
            account_number=payload["account_number"],
            reason="Removed on the B2B site by an organization admin",
        )
    else:
        raise ServiceError(f"Unknown partner user action '{action}'.")


def _row_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    if isinstance(exc, ServiceError):
        # Shown to the partner admin on the B2B site as it is.
        return str(exc.message)
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class _RowHandler:
    apply: Callable[[list[ChannelRequest]], None]
    # Rows that do not depend on each other are applied together (row by row only when that
    # fails, so a bad row fails alone); the others one at a time, in order.
    together: bool


ROW_HANDLERS: dict[str, _RowHandler] = {
    ChannelRequest.Type.ONBOARDING: _RowHandler(_process_onboardings, together=True),
    ChannelRequest.Type.PARTNER_USER: _RowHandler(_process_partner_users, together=False),
}


def channel_requests_synchronize(run: JobRun, batch_size: int) -> tuple[int, int]:
    """Turn staged requests into HQ records; a bad row is marked failed, the batch goes on."""
    processed = failed = 0
    actor = f"job {run.job}"
    while True:
        _run_alive(run)
        with transaction.atomic(using=DB), transition_logs_batched():
            batch = list(
                ChannelRequest.objects.using(DB)
                .select_for_update(skip_locked=True)
                .filter(state=ChannelRequest.State.NEW)
                .order_by("id")[:batch_size]
            )
            if not batch:
                break
            errors: dict[int, Exception] = {}
            for request_type, handler in ROW_HANDLERS.items():
                rows = [staged for staged in batch if staged.request_type == request_type]
                failures = savepoint_apply(rows, handler.apply, using=DB, together=handler.together)
                errors.update((staged.pk, exc) for staged, exc in failures)
            for staged in batch:
                staged.attempts += 1
                exc = errors.get(staged.pk)
                if exc is None:
                    staged.mark_processed(by=actor)
                else:
                    logger.warning("Staged request %s failed: %s", staged.request_id, exc)
                    staged.mark_failed(by=actor, reason=_row_error(exc)[:2000])
                    staged.save(update_fields=["state", "error", "attempts"])
            done = [staged.pk for staged in batch if staged.pk not in errors]
            # The processed rows get the same values: one UPDATE (bulk_update: a CASE per row).
            ChannelRequest.objects.using(DB).filter(pk__in=done).update(
                state=ChannelRequest.State.PROCESSED,
                error="",
                attempts=F("attempts") + 1,
                processed_at=timezone.now(),
            )
            processed += len(done)
            failed += len(errors)
            if any(staged.request_type == ChannelRequest.Type.PARTNER_USER for staged in batch):
                # 1010 brings the outcome (applied or refused) back to the admin on the site.
                job_kick_on_commit(code="1010", using=DB)
    return processed + failed, failed


def channel_request_retry(*, request_id: str, actor: str) -> ChannelRequest:
    """Send a failed staged request back to the sync job (HQ action)."""
    with transaction.atomic(using=DB):
        staged = ChannelRequest.objects.using(DB).select_for_update().get(request_id=request_id)
        staged.retry(by=actor)
        staged.save()
        job_kick_on_commit(code="sync-channel-requests", using=DB)
    return staged


# --- 1010 Customers ---------------------------------------------------------------------------


def _customer_copy(customer: Customer) -> dict:
    return {
        "party_type": customer.party_type,
        "name": customer.name,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "language": customer.language,
        "credit_limit": customer.credit_limit,
        "credit_limit_type": customer.credit_limit_type,
        "balance": customer.balance,
        "available_credit": customer.available_credit,
        "currency": customer.currency,
        "blocked": customer.blocked,
    }


def _copies_write(model: type[models.Model], key: tuple[str, ...], copies: dict) -> list:
    """Create or update channel rows so they hold `copies` ({key values: field values}).

    Only rows that differ are written, so a run with nothing new writes nothing. Returns the
    rows written.
    """
    first = key[0]
    existing = {
        tuple(getattr(row, name) for name in key): row
        for row in model._default_manager.using(CHANNEL_DB).filter(
            **{f"{first}__in": {values[0] for values in copies}}
        )
    }
    now = timezone.now()
    created, changed = [], []
    for key_values, values in copies.items():
        row = existing.get(key_values)
        if row is None:
            created.append(model(**dict(zip(key, key_values, strict=True)), **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.copied_at = now  # type: ignore[attr-defined]
            changed.append(row)
    model._default_manager.using(CHANNEL_DB).bulk_create(created)
    if changed:
        fields = [*next(iter(copies.values())), "copied_at"]
        model._default_manager.using(CHANNEL_DB).bulk_update(changed, fields)
    return created + changed


def _members_download(last_id: int, batch_size: int, actor: str) -> tuple[list, int]:
    """Copy the next batch of members with their hierarchies, organizations and persons.

    The batch stays locked in HQ until its copy is committed in the channel, so a change made
    meanwhile waits and is copied by the run its commit kicks, never overwritten by this one.
    Pending members become active; the channel commits first, so a failed HQ commit leaves
    them pending there and the next run activates them again.
    """
    with transaction.atomic(using=DB):
        batch = list(
            HierarchyMember.objects.using(DB)
            .select_for_update(of=("self",))
            .select_related("customer", "hierarchy__organization")
            .filter(pk__gt=last_id)
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return batch, 0
        activated = [m for m in batch if m.status == HierarchyMember.Status.PENDING]
        for member in activated:
            member.activate(by=actor)
        HierarchyMember.objects.using(DB).bulk_update(activated, ["status"])
        customers, hierarchies, members = {}, {}, {}
        for member in batch:
            hierarchy = member.hierarchy
            for customer in (hierarchy.organization, member.customer):
                customers[(customer.account_number,)] = _customer_copy(customer)
            hierarchies[(hierarchy.hierarchy_id,)] = {
                "name": hierarchy.name,
                "organization_id": hierarchy.organization.account_number,
            }
            members[(hierarchy.hierarchy_id, member.customer.account_number)] = {
                "role": member.role,
                "spending_limit": member.spending_limit,
                "status": member.status,
            }
        with transaction.atomic(using=CHANNEL_DB):
            written = _copies_write(ChannelCustomer, ("account_number",), customers)
            written += _copies_write(ChannelHierarchy, ("hierarchy_id",), hierarchies)
            written += _copies_write(
                ChannelHierarchyMember, ("hierarchy_id", "customer_id"), members
            )
    return batch, len(written)


def _partner_user_request_outcomes(batch_size: int) -> dict[uuid.UUID, tuple[str, str]]:
    """HQ's verdict on uploaded partner-user requests: {request id: (state, error)}."""
    waiting = list(
        PartnerUserRequest.objects.using(CHANNEL_DB)
        .filter(status__in=[PartnerUserRequest.Status.UPLOADED, PartnerUserRequest.Status.FAILED])
        .values_list("request_id", flat=True)
    )
    outcomes: dict[uuid.UUID, tuple[str, str]] = {}
    for start in range(0, len(waiting), batch_size):
        outcomes.update(
            (request_id, (state, error))
            for request_id, state, error in ChannelRequest.objects.using(DB)
            .filter(
                request_id__in=waiting[start : start + batch_size],
                state__in=[ChannelRequest.State.PROCESSED, ChannelRequest.State.FAILED],
            )
            .values_list("request_id", "state", "error")
        )
    return outcomes


def _partner_user_requests_complete(outcomes: dict, actor: str) -> int:
    with transaction.atomic(using=CHANNEL_DB):
        requests = list(
            PartnerUserRequest.objects.using(CHANNEL_DB)
            .select_for_update()
            .filter(request_id__in=list(outcomes))
        )
        completed = []
        for request in requests:
            state, error = outcomes[request.request_id]
            if state == ChannelRequest.State.PROCESSED:
                if request.status == PartnerUserRequest.Status.APPLIED:
                    continue
                request.mark_applied(by=actor)
            elif request.status == PartnerUserRequest.Status.UPLOADED:
                request.mark_failed(by=actor, reason=error)
            else:
                continue
            request.completed_at = timezone.now()
            completed.append(request)
        PartnerUserRequest.objects.using(CHANNEL_DB).bulk_update(
            completed, ["status", "error", "completed_at"]
        )
    return len(completed)


def customers_download(run: JobRun, batch_size: int) -> tuple[int, int]:
    """1010: copy hierarchies, their customers and members from HQ to the channel.

    Batch by batch of members, upserted by business key, so a run is idempotent and a second
    one writes nothing. Pending members become active once copied. Partner-user requests HQ
    has decided on are marked applied or failed after the copy, so when the site shows one as
    applied it also shows its result.
    """
    actor = f"job {run.job}"
    # Read before the copy: a request HQ processed by now is reflected in what is copied next.
    outcomes = _partner_user_request_outcomes(batch_size)
    written = last_id = 0
    while True:
        _run_alive(run)
        batch, batch_written = _members_download(last_id, batch_size, actor)
        if not batch:
            break
        last_id = batch[-1].pk
        written += batch_written
    return written + _partner_user_requests_complete(outcomes, actor), 0


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
        Job("1010", "1010", "1010 Customers", customers_download),
    )
}


def job_lookup(name: str) -> Job:
    """Find a job by code, slug or name, case-insensitively."""
    wanted = name.strip().lower()
    for job in JOBS.values():
        if wanted in (job.code.lower(), job.slug, job.name.lower()):
            return job
    raise NotFound(f"Unknown job '{name}'. Known jobs: {', '.join(JOBS)}.", code="unknown_job")


def _run_alive(run: JobRun) -> None:
    """A run's sign of life, given once per batch."""
    JobRun.objects.using(DB).filter(pk=run.pk).update(last_seen_at=timezone.now())


def job_runs_interrupted_close(*, code: str) -> int:
    """Mark the runs of this job whose process died as interrupted; return how many.

    A worker killed mid-run (SIGKILL, a machine restart) leaves its run "running" for ever.
    A run gives a sign of life every batch, so one silent for JOB_RUN_STALE_SECONDS has no
    process left; the rows it did not finish are still due, and later runs pick them up.
    """
    now = timezone.now()
    silent_since = now - timedelta(seconds=settings.JOB_RUN_STALE_SECONDS)
    stale = (
        JobRun.objects.using(DB)
        .filter(job=code, outcome=JobRun.Outcome.RUNNING)
        .filter(
            Q(last_seen_at__lt=silent_since)
            | Q(last_seen_at__isnull=True, started_at__lt=silent_since)
        )
    )
    closed = stale.update(
        outcome=JobRun.Outcome.INTERRUPTED,
        finished_at=now,
        message=(
            f"No sign of life for more than {settings.JOB_RUN_STALE_SECONDS} s: the process "
            "running it stopped (killed or restarted). Rows it did not finish were left for "
            "the next runs."
        ),
    )
    if closed:
        logger.warning("Job %s: %d run(s) without a sign of life marked interrupted.", code, closed)
    return closed


def job_execute(*, code: str, trigger: str = "hand", batch_size: int | None = None) -> JobRun:
    """Run one job now and record the run (start, end, rows, errors, outcome)."""
    job = job_lookup(code)
    job_runs_interrupted_close(code=job.code)
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

    task_kick_on_commit(job_run, job_lookup(code).code, "commit", using=using)
