"""The maps' registry and run states (SPEC §7): register, pause, resume; which maps run."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound
from core.kicks import task_kick_on_commit, task_named

from ..maps import MAPS, TableMap, source_aliases
from ..models import MapState
from ..outbox import RELAY_TASK

DB = "default"
State = MapState.State


def kick_relays(using: str = DB) -> None:
    """Kick every relay once the transaction on `using` (the outermost one) commits."""
    relay = task_named(RELAY_TASK)
    for source in source_aliases():
        task_kick_on_commit(relay, source, using=using)


def table_map_get(code: str) -> TableMap:
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


def integration_on_required() -> None:
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


def map_state_get(code: str, *, for_update: bool = False) -> MapState:
    table_map_get(code)
    MapState.objects.using(DB).get_or_create(code=code)
    states = MapState.objects.using(DB)
    return (states.select_for_update() if for_update else states).get(code=code)


def map_state_locked(code: str) -> MapState:
    return map_state_get(code, for_update=True)


def map_state_set(state: MapState, new: str, actor: str) -> None:
    state.state = new
    state.changed_by = actor
    state.save(using=DB)


def map_pause(*, code: str, actor: str) -> MapState:
    """A paused map delivers nothing; its changes wait in the outboxes, in order."""
    integration_on_required()
    with transaction.atomic(using=DB):
        state = map_state_locked(code)
        if state.state != State.RUNNING:
            raise NotAllowed(
                _("Only a running map can be paused; %(map)s is %(state)s.")
                % {"map": code, "state": state.get_state_display().lower()},
                code="not_running",
            )
        map_state_set(state, State.PAUSED, actor)
    return state


def map_resume(*, code: str, actor: str) -> MapState:
    """Resume a paused map: queued changes replay in order; a raised alert is cleared."""
    integration_on_required()
    with transaction.atomic(using=DB):
        state = map_state_locked(code)
        if state.state != State.PAUSED:
            raise NotAllowed(
                _("Only a paused map can be resumed; %(map)s is %(state)s.")
                % {"map": code, "state": state.get_state_display().lower()},
                code="not_paused",
            )
        state.alert_raised_at = None
        state.recent_failures = []
        map_state_set(state, State.RUNNING, actor)
        kick_relays()
    return state
