"""Dual-write at a glance for HQ's home page: the age of the oldest undelivered message and the
open errors. Unlike `selectors`, it reads only dual-write's own tables and never the maps
(which know Commerce and Sales), so the console's site module may import it."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from .models import DeliveryError, OutboxMessage


@dataclass(frozen=True)
class DualwriteGlance:
    lag_seconds: float | None  # None: every outbox is drained
    open_errors: int


def dualwrite_glance() -> DualwriteGlance:
    """One index lookup per system database's outbox (ids grow with time), and one count."""
    oldest: list[datetime] = [
        since
        for alias in settings.SYSTEM_ALIASES
        if (
            since := OutboxMessage.objects.using(alias)
            .filter(state__in=OutboxMessage.UNDELIVERED)
            .order_by("id")
            .values_list("created_at", flat=True)
            .first()
        )
    ]
    now = timezone.now()
    return DualwriteGlance(
        lag_seconds=(now - min(oldest)).total_seconds() if oldest else None,
        open_errors=DeliveryError.objects.using("default")
        .filter(state=DeliveryError.State.OPEN)
        .count(),
    )
