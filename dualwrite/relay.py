"""The relay: delivers outbox rows from one system database to the other, exactly once.

A batch claims, with SKIP LOCKED, the oldest undelivered message of each record whose earlier
messages are all delivered (per-record order: a failing change holds back later changes to the
same record only). A decision message carries the customers it depends on, so no map waits
for another. Each message is applied on the target in one transaction
together with an InboxMessage keyed by its id, then marked delivered on the source. A crash
between the two commits means a second delivery, which the inbox turns into a no-op.

SQLite (the embedded default) has no row locks, only one write lock per database file, taken
at BEGIN (IMMEDIATE transactions). There a batch is claimed with a plain read, applied in the
target's transaction and then marked delivered in a short transaction of the source, so a relay
never holds two files' write locks: the relays of both sources, taking them in opposite orders,
made each other (and every web save behind them) wait out the busy timeout and fail with
"database is locked". Two relays of one source may then claim the same messages: the inbox
applies each once, and only the relay that marks a message delivered counts it.
"""

import logging
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from core.batches import rows_claim, savepoint_apply
from core.postgres import rows_copy

from .conflicts import apply_two_way
from .maps import MAPS
from .models import InboxMessage, OutboxMessage
from .outbox import applying
from .services import (
    deliveries_count,
    delivery_failed,
    delivery_recovered,
    running_map_codes,
)

logger = logging.getLogger(__name__)

# A relay batch on SQLite holds the target file's write lock for its whole transaction, and a
# web save on that system waits for it: small batches keep that wait short. Between two full
# batches the relay pauses, so that whoever waits for the lock gets it: SQLite's busy handler
# polls every 100 ms, and a relay going on at once would take the lock again before the poll.
SQLITE_BATCH_SIZE = 50
SQLITE_BATCH_PAUSE = 0.1


def _claimable(source: str):
    """Due messages of running maps that head their record's queue."""
    earlier_undelivered = OutboxMessage.objects.using(source).filter(
        id__lt=OuterRef("id"), state__in=OutboxMessage.UNDELIVERED
    )
    claimable = (
        OutboxMessage.objects.using(source)
        .filter(state=OutboxMessage.State.PENDING, map__in=running_map_codes())
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
        .filter(
            ~Exists(
                earlier_undelivered.filter(map=OuterRef("map"), record_key=OuterRef("record_key"))
            )
        )
    )
    return claimable.order_by("id")


def _source(message: OutboxMessage) -> str:
    """The database a message was read from is the system it comes from."""
    return message._state.db or "default"


def _direction(message: OutboxMessage):
    return MAPS[message.map].direction_from(_source(message))


def _apply_payloads(messages: list[OutboxMessage]) -> None:
    """Apply messages of one map: together where its direction can, else the one message."""
    first = messages[0]
    table_map, direction = MAPS[first.map], _direction(first)
    with applying(first.map):
        if len(messages) > 1 and direction.apply_many is not None:
            direction.apply_many([message.payload for message in messages])
        elif direction.target_record is not None:
            apply_two_way(table_map=table_map, direction=direction, message=first)
        else:
            direction.apply(first.payload)


def message_apply(*, message: OutboxMessage, target: str) -> bool:
    """Apply one message on `target` with its inbox row; False if it was applied before."""
    with transaction.atomic(using=target):
        _, first_time = InboxMessage.objects.using(target).get_or_create(
            message_id=message.message_id,
            defaults={"map": message.map, "record_key": message.record_key},
        )
        if first_time:
            _apply_payloads([message])
    return first_time


def _messages_apply(messages: list[OutboxMessage], target: str) -> dict[int, Exception]:
    """Apply messages on `target` in one transaction; returns {message pk: error}.

    The messages of a map whose direction has `apply_many` are applied together, the others
    one by one, each group in a savepoint (`savepoint_apply`), so a failing message is undone
    alone. A message applied before is a no-op, as in `message_apply`. If the transaction
    itself fails (the target is down, or another relay stored one of the inbox rows first),
    nothing is applied and the exception propagates.
    """
    errors: dict[int, Exception] = {}
    with transaction.atomic(using=target):
        seen = set(
            InboxMessage.objects.using(target)
            .filter(message_id__in=[message.message_id for message in messages])
            .values_list("message_id", flat=True)
        )
        by_map: dict[str, list[OutboxMessage]] = {}
        for message in messages:
            if message.message_id not in seen:
                by_map.setdefault(message.map, []).append(message)
        for group in by_map.values():
            together = _direction(group[0]).apply_many is not None
            failures = savepoint_apply(group, _apply_payloads, using=target, together=together)
            errors.update((message.pk, exc) for message, exc in failures)
        rows_copy(
            [
                InboxMessage(message_id=m.message_id, map=m.map, record_key=m.record_key)
                for group in by_map.values()
                for m in group
                if m.pk not in errors
            ],
            using=target,
        )
    return errors


def _backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(
            settings.DUALWRITE_RETRY_BASE_SECONDS * 2 ** (attempts - 1),
            settings.DUALWRITE_RETRY_MAX_SECONDS,
        )
    )


def _failure_keep(message: OutboxMessage, exc: Exception) -> float:
    """Keep the message with its error for a retry (never dropped); returns the delay."""
    message.last_error = f"{type(exc).__name__}: {exc}"[:4000]
    delay = _backoff(message.attempts)
    message.next_attempt_at = timezone.now() + delay
    if message.attempts >= settings.DUALWRITE_MAX_ATTEMPTS:
        message.state = OutboxMessage.State.FAILED
    logger.warning(
        "dual-write %s %s failed (attempt %s): %s",
        message.map,
        message.record_key,
        message.attempts,
        message.last_error,
    )
    message.save(update_fields=["attempts", "last_error", "next_attempt_at", "state"])
    return delay.total_seconds()


def _delivery_failed(message: OutboxMessage, exc: Exception) -> float:
    """Keep the message for a retry and log the failure (alert rule); returns the delay."""
    delay = _failure_keep(message, exc)
    delivery_failed(message=message)
    return delay


def _delivered_mark(messages: list[OutboxMessage]) -> None:
    """Mark delivered (`attempts` was counted up on each message before it was applied)."""
    OutboxMessage.objects.using(_source(messages[0])).filter(
        pk__in=[message.pk for message in messages]
    ).update(
        state=OutboxMessage.State.DELIVERED,
        delivered_at=timezone.now(),
        last_error="",
        attempts=F("attempts") + 1,
    )


def _recovered(messages: list[OutboxMessage]) -> None:
    for message in messages:
        if message.last_error:
            delivery_recovered(message=message)


def _delivered(messages: list[OutboxMessage]) -> None:
    """Mark delivered; the error log entry of a message that had failed is resolved."""
    _delivered_mark(messages)
    _recovered(messages)


def _apply(
    messages: list[OutboxMessage],
) -> tuple[list[OutboxMessage], list[tuple[OutboxMessage, Exception]]]:
    """Apply claimed messages of one source on their targets; returns the applied and the failed.

    They are applied together (one target transaction) and, when that transaction fails,
    one by one, so that a failure is recorded on the message it belongs to.
    """
    by_target: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        target = _direction(message).target
        by_target.setdefault(target, []).append(message)
        message.attempts += 1
    applied: list[OutboxMessage] = []
    failed: list[tuple[OutboxMessage, Exception]] = []
    for target, group in by_target.items():
        try:
            errors = _messages_apply(group, target)
        except Exception:
            errors = {}
            for message in group:
                try:
                    message_apply(message=message, target=target)
                except Exception as exc:
                    errors[message.pk] = exc
        for message in group:
            error = errors.get(message.pk)
            if error is None:
                applied.append(message)
            else:
                failed.append((message, error))
    return applied, failed


def _deliver(messages: list[OutboxMessage]) -> tuple[list[OutboxMessage], list[float]]:
    """Deliver messages claimed under row locks; returns the delivered ones and retry delays.

    Runs inside the source transaction that holds the claim (SKIP LOCKED), so no other relay
    has these messages.
    """
    applied, failed = _apply(messages)
    delays = [_delivery_failed(message, exc) for message, exc in failed]
    if applied:
        _delivered(applied)
    return applied, delays


def _deliver_unlocked(
    source: str, messages: list[OutboxMessage]
) -> tuple[list[OutboxMessage], list[float]]:
    """Deliver messages claimed with a plain read (SQLite: no row locks); see the module doc.

    Each target transaction holds that file's write lock only. Then one short transaction of
    the source marks the messages delivered, or keeps them for a retry, but only those that
    are still undelivered: another relay of the source may have delivered some meanwhile (the
    inbox made them no-ops here), and they are neither marked nor counted twice. The error log
    and alert rule in `default` are written after the source commits.
    """
    applied, failed = _apply(messages)
    with transaction.atomic(using=source):
        undelivered = dict(
            OutboxMessage.objects.using(source)
            .filter(
                pk__in=[message.pk for message in messages], state__in=OutboxMessage.UNDELIVERED
            )
            .values_list("pk", "last_error")
        )
        applied = [message for message in applied if message.pk in undelivered]
        failed = [(message, exc) for message, exc in failed if message.pk in undelivered]
        delays = [_failure_keep(message, exc) for message, exc in failed]
        for message in applied:  # a failure another relay recorded meanwhile is resolved too
            message.last_error = undelivered[message.pk]
        if applied:
            _delivered_mark(applied)
    for message, _ in failed:
        delivery_failed(message=message)
    _recovered(applied)
    return applied, delays


def outbox_relay(*, source: str, batch_size: int = 500, time_budget: float = 20.0) -> dict:
    """Deliver what is due from `source`; returns counts and the earliest retry delay.

    Where the source has no row locks (SQLite), a batch is claimed with a plain read and no
    transaction stays open on the source while it is applied (`_deliver_unlocked`); batches
    are smaller there and paused between, as web saves on the target wait for them.
    """
    row_locks = connections[source].features.has_select_for_update_skip_locked
    if not row_locks:
        batch_size = min(batch_size, SQLITE_BATCH_SIZE)
    delivered = failed = 0
    retry_in: float | None = None
    deadline = time.monotonic() + time_budget
    while True:
        claimable = _claimable(source)
        if row_locks:
            with transaction.atomic(using=source):
                batch = rows_claim(claimable, using=source, batch_size=batch_size)
                done, delays = _deliver(batch)
                deliveries_count(delivered=Counter(message.map for message in done))
        else:
            batch = list(claimable[:batch_size])
            done, delays = _deliver_unlocked(source, batch) if batch else ([], [])
            deliveries_count(delivered=Counter(message.map for message in done))
        delivered += len(done)
        failed += len(delays)
        if delays:
            retry_in = min(delays if retry_in is None else [*delays, retry_in])
        # A short batch claimed all that was due, so no second read: only what its deliveries
        # let through (a record's next message) may be due now.
        more = len(batch) == batch_size or (bool(batch) and claimable.exists())
        if not more or time.monotonic() >= deadline:
            break
        if not row_locks and len(batch) == batch_size:
            time.sleep(SQLITE_BATCH_PAUSE)
    return {"delivered": delivered, "failed": failed, "retry_in": retry_in, "more": more}
