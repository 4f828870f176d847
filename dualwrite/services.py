"""Running and repairing dual-write (SPEC §7): map states, initial sync, error log, alerts."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound, ServiceError
from core.kicks import task_kick_on_commit, task_named, task_send

from .alerts import map_paused_alert_send
from .maps import MAPS, TableMap, source_aliases
from .models import DeliveryError, MapState, OutboxMessage
from .outbox import INITIAL_SYNC_TASK, RELAY_TASK, SOLUTION_ENABLE_TASK, applying

logger = logging.getLogger(__name__)

DB = "default"
State = MapState.State
Progress = Callable[[int, int], None]  # (done, total)


def _kick_relays(using: str = DB) -> None:
    """Kick every relay once the transaction on `using` (the outermost one) commits."""
    relay = task_named(RELAY_TASK)
    for source in source_aliases():
        task_kick_on_commit(relay, source, using=using)


def _table_map(code: str) -> TableMap:
    try:
        return MAPS[code]
    except KeyError as exc:
        raise NotFound(
            _("Unknown map '%(code)s'. Maps: %(maps)s.") % {"code": code, "maps": ", ".join(MAPS)},
            code="unknown_map",
        ) from exc


def map_states_register() -> list[MapState]:
    """Make sure every declared map has its registry row (new ones start not running)."""
    for code in MAPS:
        MapState.objects.using(DB).get_or_create(code=code)
    return list(MapState.objects.using(DB).filter(code__in=MAPS).order_by("id"))


def _require_integration_on() -> None:
    """Maps are off while the Sales integration is (SPEC §3 step 9): nothing to run or repair."""
    if not settings.SALES_INTEGRATION_ENABLED:
        raise NotAllowed(
            _(
                "The Sales integration is off (SALES_INTEGRATION_ENABLED=false), so the maps "
                "are off: changes wait in the outboxes and are delivered once it is turned on."
            ),
            code="integration_off",
        )


def running_map_codes() -> list[str]:
    """The maps the relay delivers: none while the Sales integration is off (rows wait)."""
    if not settings.SALES_INTEGRATION_ENABLED:
        return []
    return list(
        MapState.objects.using(DB).filter(state=State.RUNNING).values_list("code", flat=True)
    )


def _state(code: str, *, for_update: bool = False) -> MapState:
    _table_map(code)
    MapState.objects.using(DB).get_or_create(code=code)
    states = MapState.objects.using(DB)
    return (states.select_for_update() if for_update else states).get(code=code)


def _locked_state(code: str) -> MapState:
    return _state(code, for_update=True)


def _set_state(state: MapState, new: str, actor: str) -> None:
    state.state = new
    state.changed_by = actor
    state.save(using=DB)


def map_pause(*, code: str, actor: str) -> MapState:
    """A paused map delivers nothing; its changes wait in the outboxes, in order."""
    _require_integration_on()
    with transaction.atomic(using=DB):
        state = _locked_state(code)
        if state.state != State.RUNNING:
            raise NotAllowed(
                _("Only a running map can be paused; %(map)s is %(state)s.")
                % {"map": code, "state": state.get_state_display().lower()},
                code="not_running",
            )
        _set_state(state, State.PAUSED, actor)
    return state


def map_resume(*, code: str, actor: str) -> MapState:
    """Resume a paused map: queued changes replay in order; a raised alert is cleared."""
    _require_integration_on()
    with transaction.atomic(using=DB):
        state = _locked_state(code)
        if state.state != State.PAUSED:
            raise NotAllowed(
                _("Only a paused map can be resumed; %(map)s is %(state)s.")
                % {"map": code, "state": state.get_state_display().lower()},
                code="not_paused",
            )
        state.alert_raised_at = None
        state.recent_failures = []
        _set_state(state, State.RUNNING, actor)
        _kick_relays()
    return state


# --- initial sync -----------------------------------------------------------------------------


def _sync_batch(table_map: TableMap, step, records: list) -> None:
    direction = table_map.direction_from(step.source)
    if step.target_keys is not None:
        existing = step.target_keys(
            [table_map.record_key(record, source=step.source) for record in records]
        )
        records = [
            r for r in records if table_map.record_key(r, source=step.source) not in existing
        ]
    apply = step.apply or direction.apply
    with transaction.atomic(using=direction.target), applying(table_map.code):
        for record in records:
            apply(
                step.payload(record)
                if step.payload
                else table_map.to_payload(record, source=step.source)
            )


def _refuse_sync_while_paused(state: MapState) -> None:
    if state.state == State.PAUSED:
        raise NotAllowed(_("Resume the map before running its initial sync."), code="paused")


def initial_sync_run(
    *, code: str, actor: str, batch_size: int = 500, progress: Progress | None = None
) -> MapState:
    """Copy what exists for a map, batch by batch; resumes where a crashed run stopped.

    Every batch commits on the target before the cursor moves, and applying a batch again is
    an idempotent upsert, so a run killed at any point and started again ends complete, with
    nothing twice. Live changes queue in the outboxes meanwhile and replay once it runs.
    """
    table_map = _table_map(code)
    _require_integration_on()
    with transaction.atomic(using=DB):
        state = _locked_state(code)
        _refuse_sync_while_paused(state)
        if state.state != State.INITIALIZING or not state.initial_sync_cursor:
            state.initial_sync_cursor = {"step": 0, "after": 0}
            state.initial_sync_done = 0
            state.initial_sync_started_at = timezone.now()
            state.initial_sync_finished_at = None
        _set_state(state, State.INITIALIZING, actor)

    cursor = dict(state.initial_sync_cursor)
    for index, step in enumerate(table_map.initial_sync):
        if index < cursor["step"]:
            continue
        after = cursor["after"] if index == cursor["step"] else 0
        # Earlier steps may have added records to this one's source: re-estimate the total.
        state.refresh_from_db(fields=["initial_sync_done"])
        remaining = sum(
            s.records().filter(pk__gt=after if i == index else 0).count()
            for i, s in enumerate(table_map.initial_sync)
            if i >= index
        )
        MapState.objects.using(DB).filter(pk=state.pk).update(
            initial_sync_total=state.initial_sync_done + remaining
        )
        while True:
            records = list(step.records().filter(pk__gt=after).order_by("pk")[:batch_size])
            if not records:
                break
            _sync_batch(table_map, step, records)
            after = records[-1].pk
            MapState.objects.using(DB).filter(pk=state.pk).update(
                initial_sync_cursor={"step": index, "after": after},
                initial_sync_done=F("initial_sync_done") + len(records),
            )
            state.refresh_from_db(fields=["initial_sync_done", "initial_sync_total"])
            if progress:
                progress(state.initial_sync_done, state.initial_sync_total)
        cursor = {"step": index + 1, "after": 0}
        MapState.objects.using(DB).filter(pk=state.pk).update(initial_sync_cursor=cursor)

    with transaction.atomic(using=DB):
        state = _locked_state(code)
        state.initial_sync_cursor = {}
        state.initial_sync_finished_at = timezone.now()
        _set_state(state, State.RUNNING, actor)
        _kick_relays()
    return state


def map_enable(*, code: str, actor: str, progress: Progress | None = None) -> MapState:
    """Start a map: a map that is not running yet (or whose sync crashed) syncs first."""
    _require_integration_on()
    state = _state(code)
    if state.state in (State.RUNNING, State.PAUSED):
        return state
    return initial_sync_run(code=code, actor=actor, progress=progress)


def solution_enable(*, actor: str, progress: Callable[[str], Progress] | None = None) -> list:
    """Enable the "Commerce solution": register every map, run its initial sync, start it."""
    return [
        map_enable(code=code, actor=actor, progress=progress(code) if progress else None)
        for code in MAPS
    ]


def initial_sync_request(*, code: str, actor: str) -> MapState:
    """Hand a map's initial sync to a worker once the caller's transaction commits.

    A sync can take long (10,000 customers), so a web request only checks and queues it.
    """
    _require_integration_on()
    state = _state(code)
    _refuse_sync_while_paused(state)
    sync = task_named(INITIAL_SYNC_TASK)
    transaction.on_commit(lambda: task_send(sync, code, actor), using=DB)
    return state


def solution_enable_request(*, actor: str) -> list[MapState]:
    """Register every map now (so their progress shows) and queue the solution's enabling."""
    _require_integration_on()
    states = map_states_register()
    enable = task_named(SOLUTION_ENABLE_TASK)
    transaction.on_commit(lambda: task_send(enable, actor), using=DB)
    return states


# --- delivery outcomes, error log and alerts --------------------------------------------------


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
        state = _locked_state(message.map)
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
        _kick_relays(using=error.source)
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
        _kick_relays(using=error.source)
    return error
