"""Synchronize orders and channel requests: staged requests become HQ records (SPEC §6).

Onboarding requests become prospects; partner-user requests add, change or remove hierarchy
members through HQ's member services; orders become sales orders or emails (SPEC §13). A bad
row is marked failed; the batch goes on.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from commerce.channel.models import OnboardingRequest, PartnerUserRequest
from commerce.models import ChannelRequest, JobRun, Prospect
from commerce.services import (
    channel_orders_take,
    hierarchy_member_add,
    hierarchy_member_change,
    hierarchy_member_remove,
    prospects_create,
)
from core.batches import claimed_batches, savepoint_apply
from core.errors import ServiceError

from .registry import DOWNLOAD, job_kick_on_commit
from .runner import run_alive

logger = logging.getLogger(__name__)

DB = "commerce"


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
    # Requests staged before monthly limits existed carry none.
    monthly = payload.get("monthly_spending_limit")
    monthly_limit = None if monthly is None else Decimal(monthly)
    common = {"hierarchy_id": payload["hierarchy_id"], "actor": payload["requested_by"]}
    if action == PartnerUserRequest.Action.ADD:
        hierarchy_member_add(
            **common,
            first_name=payload["first_name"],
            last_name=payload["last_name"],
            email=payload["email"],
            role=payload["role"],
            spending_limit=spending_limit,
            monthly_spending_limit=monthly_limit,
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
                "monthly_spending_limit": monthly_limit,
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


def _process_orders(staged_rows: list[ChannelRequest]) -> None:
    channel_orders_take(payloads=[staged.payload for staged in staged_rows])


ROW_HANDLERS: dict[str, _RowHandler] = {
    ChannelRequest.Type.ONBOARDING: _RowHandler(_process_onboardings, together=True),
    ChannelRequest.Type.ORDER: _RowHandler(_process_orders, together=True),
    ChannelRequest.Type.PARTNER_USER: _RowHandler(_process_partner_users, together=False),
}


def channel_requests_synchronize(run: JobRun, batch_size: int) -> tuple[int, int]:
    """Turn staged requests into HQ records; a bad row is marked failed, the batch goes on."""
    processed = failed = 0
    actor = f"job {run.job}"
    due = ChannelRequest.objects.using(DB).filter(state=ChannelRequest.State.NEW).order_by("id")
    for batch in claimed_batches(
        due, using=DB, batch_size=batch_size, alive=lambda: run_alive(run)
    ):
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
            job_kick_on_commit(code=DOWNLOAD.code, using=DB)
    return processed + failed, failed
