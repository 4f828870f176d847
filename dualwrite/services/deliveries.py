"""Delivery outcomes (SPEC §7): counters, the error log, the alert rule, retry and skip."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound, ServiceError

from ..alerts import map_paused_alert_send
from ..maps import MAPS
from ..models import DeliveryError, MapState, OutboxMessage
from .states import DB, State, kick_relays, map_state_locked

logger = logging.getLogger(__name__)


def deliveries_count(*, delivered: dict[str, int]) -> None:
    """Add a relay batch's deliveries to each map's counter."""
    for code, count in delivered.items():
        MapState.objects.using(DB).filter(code=code).update(
            delivered_count=F("delivered_count") + count
        )


def delivery_recovered(*, message: OutboxMessage) -> None:
    """A message that had failed was delivered: its error log entry is resolved."""
    DeliveryError.objects.using(DB).filter(
        message_id=message.message_id, state=DeliveryError.State.OPEN
    ).update(state=DeliveryError.State.RESOLVED, resolution="delivered on retry")
    table_map = MAPS.get(message.map)
    if table_map is not None and table_map.failure_cleared is not None:
        _record_note(table_map.failure_cleared, message.payload)


def _record_note(note: Callable, *args) -> None:
    """Show a delivery's outcome on the records it concerns; never fails the delivery."""
    try:
        note(*args)
    except Exception:
        logger.exception("Could not note a dual-write outcome on its records")


def delivery_failed(*, message: OutboxMessage) -> None:
    """Log the failure and apply the map's alert rule (N errors in M minutes → pause + email).

    A map that names `failure_noted` also shows the error on the records concerned (a decision
    Commerce could not apply, on the prospect and on the lead or opportunity).
    """
    now = timezone.now()
    table_map = MAPS.get(message.map)
    if table_map is not None and table_map.failure_noted is not None:
        _record_note(table_map.failure_noted, message.payload, message.last_error)
    DeliveryError.objects.using(DB).update_or_create(
        message_id=message.message_id,
        defaults={
            "map": message.map,
            "source": message._state.db or "",
            "record_key": message.record_key,
            "event": message.event,
            "payload": message.payload,
            "error": message.last_error,
            "attempts": message.attempts,
            "next_retry_at": message.next_attempt_at
            if message.state == OutboxMessage.State.PENDING
            else None,
            "state": DeliveryError.State.OPEN,
            "last_failed_at": now,
        },
    )
    with transaction.atomic(using=DB):
        state = map_state_locked(message.map)
        window_start = now - timedelta(minutes=state.alert_minutes)
        failures = [t for t in state.recent_failures if t >= window_start.isoformat()]
        state.recent_failures = [*failures, now.isoformat()]
        state.last_error = message.last_error
        state.last_error_at = now
        raise_alert = (
            state.state == State.RUNNING
            and state.alert_raised_at is None
            and len(state.recent_failures) >= state.alert_errors
        )
        if raise_alert:
            state.state = State.PAUSED
            state.alert_raised_at = now
            state.changed_by = "alert rule"
        state.save(using=DB)
        if raise_alert:
            transaction.on_commit(lambda: map_paused_alert_send(state=state), using=DB)


def _error_for_update(error_id: int) -> DeliveryError:
    try:
        return DeliveryError.objects.using(DB).select_for_update().get(pk=error_id)
    except DeliveryError.DoesNotExist as exc:
        raise NotFound(_("Error %(id)s does not exist.") % {"id": error_id}) from exc


def _error_source(error_id: int) -> str:
    """The system database of an error's message: its transaction is taken before `default`'s,
    in the order the relay takes them, so that on SQLite two writers never wait on each other."""
    source = DeliveryError.objects.using(DB).filter(pk=error_id).values_list("source", flat=True)
    if not source:
        raise NotFound(_("Error %(id)s does not exist.") % {"id": error_id})
    return source[0]


def delivery_error_retry(*, error_id: int, actor: str) -> DeliveryError:
    """Deliver a failing message again now (its backoff and attempt limit start over)."""
    with transaction.atomic(using=_error_source(error_id)), transaction.atomic(using=DB):
        error = _error_for_update(error_id)
        if error.state != DeliveryError.State.OPEN:
            raise NotAllowed(_("This error is already %(state)s.") % {"state": error.state})
        OutboxMessage.objects.using(error.source).filter(
            message_id=error.message_id,
            state__in=OutboxMessage.UNDELIVERED,
        ).update(state=OutboxMessage.State.PENDING, next_attempt_at=None, attempts=0)
        error.next_retry_at = timezone.now()
        error.resolved_by = actor
        error.save(using=DB)
        kick_relays(using=error.source)
    return error


def delivery_errors_retry_all(*, actor: str, map_code: str | None = None) -> int:
    errors = DeliveryError.objects.using(DB).filter(state=DeliveryError.State.OPEN)
    if map_code:
        errors = errors.filter(map=map_code)
    ids = list(errors.values_list("pk", flat=True))
    for error_id in ids:
        delivery_error_retry(error_id=error_id, actor=actor)
    return len(ids)


def delivery_error_skip(*, error_id: int, reason: str, actor: str) -> DeliveryError:
    """Give up on one message, with a reason; later changes to its record go on."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason for skipping this change."), code="reason_required")
    with transaction.atomic(using=_error_source(error_id)), transaction.atomic(using=DB):
        error = _error_for_update(error_id)
        if error.state != DeliveryError.State.OPEN:
            raise NotAllowed(_("This error is already %(state)s.") % {"state": error.state})
        OutboxMessage.objects.using(error.source).filter(message_id=error.message_id).exclude(
            state=OutboxMessage.State.DELIVERED
        ).update(state=OutboxMessage.State.SKIPPED, last_error=f"skipped by {actor}: {reason}")
        error.state = DeliveryError.State.SKIPPED
        error.resolution = reason
        error.resolved_by = actor
        error.next_retry_at = None
        error.save(using=DB)
        kick_relays(using=error.source)
    return error
