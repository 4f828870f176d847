"""The relay: delivers outbox rows from one system database to the other, exactly once.

A batch claims, with SKIP LOCKED, the oldest undelivered message of each record whose earlier
messages are all delivered (per-record order: a failing change holds back later changes to the
same record only); a map may also wait for the earlier messages of other maps about the same
prospect (`TableMap.waits_for`). Each message is applied on the target in one transaction
together with an InboxMessage keyed by its id, then marked delivered on the source. A crash
between the two commits means a second delivery, which the inbox turns into a no-op.
"""

import logging
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

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

UNDELIVERED = (OutboxMessage.State.PENDING, OutboxMessage.State.FAILED)


def _claimable(source: str):
    """Due messages of running maps that head their record's queue (and their prospect's)."""
    earlier_undelivered = OutboxMessage.objects.using(source).filter(
        id__lt=OuterRef("id"), state__in=UNDELIVERED
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
    for code, table_map in MAPS.items():
        if table_map.waits_for:
            needed = earlier_undelivered.filter(
                map__in=table_map.waits_for,
                payload__prospect_number=OuterRef("payload__prospect_number"),
            )
            claimable = claimable.exclude(Q(map=code) & Exists(needed))
    return claimable.order_by("id")


def _source(message: OutboxMessage) -> str:
    """The database a message was read from is the system it comes from."""
    return message._state.db or "default"


def message_apply(*, message: OutboxMessage, target: str) -> bool:
    """Apply one message on `target` with its inbox row; False if it was applied before."""
    table_map = MAPS[message.map]
    direction = table_map.direction_from(_source(message))
    with transaction.atomic(using=target):
        _, first_time = InboxMessage.objects.using(target).get_or_create(
            message_id=message.message_id,
            defaults={"map": message.map, "record_key": message.record_key},
        )
        if first_time:
            with applying(message.map):
                if direction.target_record is not None:
                    apply_two_way(table_map=table_map, direction=direction, message=message)
                else:
                    direction.apply(message.payload)
    return first_time


def _backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(
            settings.DUALWRITE_RETRY_BASE_SECONDS * 2 ** (attempts - 1),
            settings.DUALWRITE_RETRY_MAX_SECONDS,
        )
    )


def _deliver(message: OutboxMessage) -> float | None:
    """Deliver one claimed message; returns the retry delay in seconds when it failed."""
    direction = MAPS[message.map].direction_from(_source(message))
    message.attempts += 1
    try:
        message_apply(message=message, target=direction.target)
    except Exception as exc:  # kept with its error and retried; never dropped
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
        delivery_failed(message=message)
        return delay.total_seconds()
    recovered = bool(message.last_error)
    message.state = OutboxMessage.State.DELIVERED
    message.delivered_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["attempts", "state", "delivered_at", "last_error"])
    if recovered:
        delivery_recovered(message=message)
    return None


def outbox_relay(*, source: str, batch_size: int = 200, time_budget: float = 20.0) -> dict:
    """Deliver what is due from `source`; returns counts and the earliest retry delay."""
    delivered = failed = 0
    retry_in: float | None = None
    deadline = time.monotonic() + time_budget
    while time.monotonic() < deadline:
        with transaction.atomic(using=source):
            batch = list(_claimable(source).select_for_update(skip_locked=True)[:batch_size])
            delivered_by_map: Counter[str] = Counter()
            for message in batch:
                delay = _deliver(message)
                if delay is None:
                    delivered_by_map[message.map] += 1
                else:
                    failed += 1
                    retry_in = delay if retry_in is None else min(retry_in, delay)
            deliveries_count(delivered=delivered_by_map)
            delivered += delivered_by_map.total()
        if not batch:
            break
    more = _claimable(source).exists()
    return {"delivered": delivered, "failed": failed, "retry_in": retry_in, "more": more}
