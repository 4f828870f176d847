"""Conflicts on two-way maps: both sides changed one record between syncs (SPEC §7).

Each side's record carries its own version; RecordSync remembers both at the last sync. An
incoming change whose target moved on since then is a conflict: the map's rule names the
winner, the loser's values are not applied (its own message, when it arrives, is stale and
dropped), and a ConflictEntry keeps both values. Nothing is lost silently.
"""

from typing import Any

from .maps import Direction, TableMap
from .models import ConflictEntry, MapState, OutboxMessage, RecordSync

DB = "default"


def _rule(table_map: TableMap) -> str:
    override = (
        MapState.objects.using(DB)
        .filter(code=table_map.code)
        .values_list("conflict_rule", flat=True)
        .first()
    )
    return override or table_map.conflict_rule


def _winner(rule: str, message: OutboxMessage, target_record: Any, direction: Direction) -> str:
    if rule == "newest":
        newer = message.created_at >= target_record.updated_at
        return direction.source if newer else direction.target
    return rule


def apply_two_way(*, table_map: TableMap, direction: Direction, message: OutboxMessage) -> None:
    """Apply a two-way message under the map's conflict rule; called inside the inbox txn."""
    assert direction.target_record is not None
    sync, _ = RecordSync.objects.using(DB).get_or_create(
        map=table_map.code, record_key=message.record_key
    )
    synced_source = sync.versions.get(direction.source, 0)
    synced_target = sync.versions.get(direction.target)
    if message.version < synced_source:
        return  # superseded: the conflict that this change lost was already resolved
    record = direction.target_record(message.record_key)
    conflict = record is not None and synced_target is not None and record.version > synced_target
    apply = True
    if conflict:
        winner = _winner(_rule(table_map), message, record, direction)
        apply = winner == direction.source
        local_values = table_map.to_payload(record, source=direction.target)
    if apply:
        direction.apply(message.payload)
        record = direction.target_record(message.record_key)
    versions = {**sync.versions, direction.source: message.version}
    if apply and record is not None:
        versions[direction.target] = record.version
    if conflict:
        ConflictEntry.objects.using(DB).create(
            map=table_map.code,
            record_key=message.record_key,
            rule=_rule(table_map),
            winner=winner,
            incoming_side=direction.source,
            incoming_values=message.payload,
            incoming_version=message.version,
            local_values=local_values,
            local_version=synced_target or 0,
            resolved_version=versions.get(direction.target, 0),
        )
    sync.versions = versions
    sync.save(using=DB)
