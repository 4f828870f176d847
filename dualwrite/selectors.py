"""Reads for running dual-write: map status with backlog and lag, the error log."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .maps import MAPS, source_aliases
from .models import ConflictEntry, DeliveryError, MapState, OutboxMessage

# What every map shows while SALES_INTEGRATION_ENABLED is false (SPEC §3 step 9): it delivers
# nothing, its changes wait in the outboxes, and its own state comes back once it is on.
OFF = "off"
OFF_LABEL = _("Off (Sales integration disabled)")
STATE_LABELS = {**dict(MapState.State.choices), OFF: OFF_LABEL}


def sales_integration_on() -> bool:
    return bool(settings.SALES_INTEGRATION_ENABLED)


def map_state_shown(state: str) -> str:
    """The state a map shows: its own while the Sales integration is on, else "off"."""
    return state if sales_integration_on() else OFF


def map_state_label(state: str) -> str:
    """A shown state (map_state_shown) in words."""
    return str(STATE_LABELS.get(state, state))


@dataclass(frozen=True)
class MapStatus:
    code: str
    name: str
    state: str  # a MapState.State, or OFF while the Sales integration is off
    state_display: str
    backlog: int
    delivered: int
    lag_seconds: float | None
    last_error: str
    open_errors: int
    initial_sync_percent: int
    alert_raised: bool


def _backlog_by_map() -> dict[str, tuple[int, datetime | None]]:
    """Undelivered messages per map across every outbox: (count, oldest created_at)."""
    totals: dict[str, tuple[int, datetime | None]] = {}
    for source in source_aliases():
        rows = (
            OutboxMessage.objects.using(source)
            .filter(state__in=OutboxMessage.UNDELIVERED)
            .values("map")
            .annotate(count=Count("id"), oldest=Min("created_at"))
        )
        for row in rows:
            count, oldest = totals.get(row["map"], (0, None))
            totals[row["map"]] = (
                count + row["count"],
                row["oldest"] if oldest is None else min(oldest, row["oldest"]),
            )
    return totals


def map_status_list() -> list[MapStatus]:
    states = {s.code: s for s in MapState.objects.using("default").filter(code__in=MAPS)}
    errors = dict(
        DeliveryError.objects.using("default")
        .filter(state=DeliveryError.State.OPEN)
        .values_list("map")
        .annotate(Count("id"))
    )
    backlog = _backlog_by_map()
    now = timezone.now()
    result = []
    for code, table_map in MAPS.items():
        state = states.get(code) or MapState(code=code)
        count, oldest = backlog.get(code, (0, None))
        shown = map_state_shown(state.state)
        result.append(
            MapStatus(
                code=code,
                name=table_map.name,
                state=shown,
                state_display=map_state_label(shown),
                backlog=count,
                delivered=state.delivered_count,
                lag_seconds=(now - oldest).total_seconds() if oldest else None,
                last_error=state.last_error,
                open_errors=errors.get(code, 0),
                initial_sync_percent=state.initial_sync_percent,
                alert_raised=state.alert_raised_at is not None,
            )
        )
    return result


def dualwrite_lag_seconds() -> float:
    """Age of the oldest undelivered message of any map, 0 when every outbox is drained."""
    lags = [s.lag_seconds for s in map_status_list() if s.lag_seconds is not None]
    return max(lags, default=0.0)


def delivery_error_list(*, map_code: str | None = None, state: str = "open") -> QuerySet:
    errors = DeliveryError.objects.using("default").filter(state=state)
    return errors.filter(map=map_code) if map_code else errors


def conflict_list(*, record_key: str | None = None) -> QuerySet:
    conflicts = ConflictEntry.objects.using("default").all()
    return conflicts.filter(Q(record_key=record_key)) if record_key else conflicts
