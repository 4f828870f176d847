"""Field-level conflicts on two-way maps (SPEC §7 "Fidelity to people's decisions").

An update message carries, for each mapped field it changed, the value before the change
(`changed`). On the target a field is applied when the target still holds that value (only
the source changed it) or already holds the new one; a field the source did not change is
never written, so changes to different fields merge and unmapped fields never travel. When the
target holds a third value, both sides changed the same field since their last sync: that is a
conflict, settled by the map's rule (a side, or the newest change) and recorded once as a
ConflictEntry naming record, field, both values, rule and winner.

The other side's messages about the same record that were still undelivered then took part in
the conflict (`participants`); when they arrive they follow the entry's winner instead of
starting a second conflict, so both sides end with the winner's value.
"""

from datetime import datetime
from typing import Any

from .maps import Direction, Payload, TableMap
from .maps.base import plain
from .models import ConflictEntry, MapState, OutboxMessage

DB = "default"


def map_conflict_rule(table_map: TableMap) -> str:
    override = (
        MapState.objects.using(DB)
        .filter(code=table_map.code)
        .values_list("conflict_rule", flat=True)
        .first()
    )
    return override or table_map.conflict_rule


def _undelivered(alias: str, table_map: TableMap, key: str):
    return OutboxMessage.objects.using(alias).filter(
        map=table_map.code, record_key=key, state__in=OutboxMessage.UNDELIVERED
    )


def _last_undelivered_id(alias: str, table_map: TableMap, key: str) -> int:
    return (
        _undelivered(alias, table_map, key).order_by("-id").values_list("id", flat=True).first()
        or 0
    )


def _last_change_time(alias: str, table_map: TableMap, key: str, name: str) -> datetime | None:
    """When a side last changed the field: its newest undelivered message about it."""
    for payload, created_at in (
        _undelivered(alias, table_map, key).order_by("-id").values_list("payload", "created_at")
    ):
        if name in (payload.get("changed") or {}):
            return created_at
    return None


def _winner(
    rule: str,
    *,
    table_map: TableMap,
    direction: Direction,
    message: OutboxMessage,
    name: str,
    record,
) -> str:
    """The rule's side; "newest": the side whose last change of the field is the newer."""
    if rule != "newest":
        return rule
    key = message.record_key
    incoming = _last_change_time(direction.source, table_map, key, name) or message.created_at
    local = _last_change_time(direction.target, table_map, key, name) or getattr(
        record, "updated_at", None
    )
    return direction.source if local is None or incoming >= local else direction.target


def _taking_part(table_map: TableMap, key: str, name: str, side: str, message_id: int):
    """The conflict this message already took part in, if any."""
    for entry in (
        ConflictEntry.objects.using(DB)
        .filter(map=table_map.code, record_key=key, field=name)
        .order_by("-id")[:5]
    ):
        if entry.participants.get(side, 0) >= message_id:
            return entry
    return None


def _field_outcome(
    *,
    table_map: TableMap,
    direction: Direction,
    message: OutboxMessage,
    record: Any,
    name: str,
    new: Any,
    old: Any,
) -> bool:
    """Whether the incoming value of one changed field is applied on the target."""
    key = message.record_key
    entry = _taking_part(table_map, key, name, direction.source, message.pk)
    if entry is not None:
        return entry.winner == direction.source
    current = plain(getattr(record, name))
    if current == new:
        return False
    if current == old:
        return True
    rule = map_conflict_rule(table_map)
    winner = _winner(
        rule, table_map=table_map, direction=direction, message=message, name=name, record=record
    )
    ConflictEntry.objects.using(DB).create(
        map=table_map.code,
        record_key=key,
        field=name,
        rule=rule,
        winner=winner,
        incoming_side=direction.source,
        incoming_value=new,
        local_value=current,
        resolved_value=new if winner == direction.source else current,
        participants={
            direction.source: _last_undelivered_id(direction.source, table_map, key),
            direction.target: _last_undelivered_id(direction.target, table_map, key),
        },
    )
    return winner == direction.source


def apply_two_way(*, table_map: TableMap, direction: Direction, message: OutboxMessage) -> None:
    """Apply a two-way message field by field; called inside the target's inbox transaction."""
    payload: Payload = dict(message.payload)
    changed = payload.pop("changed", None)
    record = direction.target_record(message.record_key) if direction.target_record else None
    if record is None or changed is None:
        # A new record, or a whole copy: there is nothing on the target to conflict with.
        direction.apply(payload)
        return
    target_key = table_map.field_map[table_map.key] if direction.forward else table_map.key
    applied = {
        name: payload[name]
        for name, old in changed.items()
        if name in payload
        and _field_outcome(
            table_map=table_map,
            direction=direction,
            message=message,
            record=record,
            name=name,
            new=payload[name],
            old=old,
        )
    }
    if applied:
        direction.apply({target_key: payload[target_key], **direction.constants, **applied})
