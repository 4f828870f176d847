"""Initial sync (SPEC §7): what exists when a map is enabled is copied, in bulk, batch by batch.

A batch is read in key order after the cursor (constant memory, whatever the table's size) and
written on the target in one transaction: one read of the target's existing records, one bulk
insert, one bulk update of those that differ, where the step declares `apply_many`. The cursor
lives in `default` and moves once the batch has committed on the target (another database);
a run killed between the two applies its last batch again, which writes nothing the second
time. Live changes queue in the outboxes meanwhile and replay once the map runs.
"""

from collections.abc import Callable
from typing import Any

from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.kicks import task_named, task_send

from ..maps import MAPS, InitialSyncStep, TableMap
from ..models import MapState
from ..outbox import INITIAL_SYNC_TASK, MAP_ENABLE_TASK, SOLUTION_ENABLE_TASK, applying
from .states import (
    DB,
    State,
    integration_on_required,
    kick_relays,
    map_state_get,
    map_state_locked,
    map_state_set,
    map_states_register,
    table_map_get,
)

Progress = Callable[[int, int], None]  # (done, total)
INITIAL_SYNC_BATCH_SIZE = 1000


def _page(
    table_map: TableMap, step: InitialSyncStep, *, after: int, size: int
) -> tuple[list[Any], int, int]:
    """The next batch after primary key `after`: (records to copy, last key read, rows read).

    A step that leaves records the target already has alone reads only keys first, and loads
    just the records missing on the target.
    """
    source = step.records().filter(pk__gt=after).order_by("pk")
    if step.target_keys is None:
        records = list(source[:size])
        return records, records[-1].pk if records else after, len(records)
    keys = list(source.values_list("pk", table_map.key_field(step.source))[:size])
    if not keys:
        return [], after, 0
    existing = step.target_keys([key for _, key in keys])
    missing = [pk for pk, key in keys if key not in existing]
    records = list(step.records().filter(pk__in=missing).order_by("pk")) if missing else []
    return records, keys[-1][0], len(keys)


def _batch_apply(table_map: TableMap, step: InitialSyncStep, records: list[Any]) -> None:
    if not records:
        return
    direction = table_map.direction_from(step.source)
    payloads = [
        step.payload(record) if step.payload else table_map.to_payload(record, source=step.source)
        for record in records
    ]
    with transaction.atomic(using=direction.target), applying(table_map.code):
        if step.apply_many is not None:
            step.apply_many(payloads)
            return
        apply = step.apply or direction.apply
        for payload in payloads:
            apply(payload)


def _refuse_sync_while_paused(state: MapState) -> None:
    if state.state == State.PAUSED:
        raise NotAllowed(_("Resume the map before running its initial sync."), code="paused")


def _remaining(table_map: TableMap, *, index: int, after: int) -> int:
    """Records still to read from step `index` on: counted once per step, not per batch."""
    return sum(
        step.records().filter(pk__gt=after if i == index else 0).count()
        for i, step in enumerate(table_map.initial_sync)
        if i >= index
    )


def initial_sync_run(
    *,
    code: str,
    actor: str,
    batch_size: int = INITIAL_SYNC_BATCH_SIZE,
    progress: Progress | None = None,
) -> MapState:
    """Copy what exists for a map, batch by batch; resumes where a crashed run stopped.

    Every batch commits on the target before the cursor moves, and applying a batch again
    writes nothing, so a run killed at any point and started again ends complete, with
    nothing twice.
    """
    table_map = table_map_get(code)
    integration_on_required()
    with transaction.atomic(using=DB):
        state = map_state_locked(code)
        _refuse_sync_while_paused(state)
        if state.state != State.INITIALIZING or not state.initial_sync_cursor:
            state.initial_sync_cursor = {"step": 0, "after": 0}
            state.initial_sync_done = 0
            state.initial_sync_started_at = timezone.now()
            state.initial_sync_finished_at = None
        map_state_set(state, State.INITIALIZING, actor)

    states = MapState.objects.using(DB).filter(pk=state.pk)
    cursor = dict(state.initial_sync_cursor)
    for index, step in enumerate(table_map.initial_sync):
        if index < cursor["step"]:
            continue
        after = cursor["after"] if index == cursor["step"] else 0
        # Earlier steps may have added records to this one's source: re-estimate the total.
        done = states.values_list("initial_sync_done", flat=True).get()
        total = done + _remaining(table_map, index=index, after=after)
        states.update(initial_sync_total=total)
        while True:
            records, after, read = _page(table_map, step, after=after, size=batch_size)
            if not read:
                break
            _batch_apply(table_map, step, records)
            states.update(
                initial_sync_cursor={"step": index, "after": after},
                initial_sync_done=F("initial_sync_done") + read,
            )
            done += read
            if progress:
                progress(done, max(total, done))
        states.update(initial_sync_cursor={"step": index + 1, "after": 0})

    with transaction.atomic(using=DB):
        state = map_state_locked(code)
        state.initial_sync_cursor = {}
        state.initial_sync_finished_at = timezone.now()
        map_state_set(state, State.RUNNING, actor)
        kick_relays()
    return state


def map_enable(*, code: str, actor: str, progress: Progress | None = None) -> MapState:
    """Start a map: a map that is not running yet (or whose sync crashed) syncs first."""
    integration_on_required()
    state = map_state_get(code)
    if state.state in (State.RUNNING, State.PAUSED):
        return state
    return initial_sync_run(code=code, actor=actor, progress=progress)


def maps_sync_in_parallel() -> bool:
    """Maps are independent, so their syncs may run at once on several workers where every
    database takes concurrent writers (PostgreSQL); SQLite has one writer per file."""
    aliases = {d.target for table_map in MAPS.values() for d in table_map.directions} | {DB}
    return all(connections[alias].vendor == "postgresql" for alias in aliases)


def solution_enable(*, actor: str, progress: Callable[[str], Progress] | None = None) -> list:
    """Enable the "Commerce solution": register every map, run its initial sync, start it."""
    return [
        map_enable(code=code, actor=actor, progress=progress(code) if progress else None)
        for code in MAPS
    ]


def solution_enable_queue(*, actor: str) -> None:
    """The solution's task on a worker: one task a map where they may run at once, else
    every map in turn here."""
    if not maps_sync_in_parallel():
        solution_enable(actor=actor)
        return
    enable = task_named(MAP_ENABLE_TASK)
    for code in MAPS:
        task_send(enable, code, actor)


def initial_sync_request(*, code: str, actor: str) -> MapState:
    """Hand a map's initial sync to a worker once the caller's transaction commits.

    A sync can take long (100,000 customers), so a web request only checks and queues it.
    """
    integration_on_required()
    state = map_state_get(code)
    _refuse_sync_while_paused(state)
    sync = task_named(INITIAL_SYNC_TASK)
    transaction.on_commit(lambda: task_send(sync, code, actor), using=DB)
    return state


def solution_enable_request(*, actor: str) -> list[MapState]:
    """Register every map now (so their progress shows) and queue the solution's enabling."""
    integration_on_required()
    states = map_states_register()
    enable = task_named(SOLUTION_ENABLE_TASK)
    transaction.on_commit(lambda: task_send(enable, actor), using=DB)
    return states
