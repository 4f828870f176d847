"""What a table map declares (SPEC §7), in one place a person can read.

A map names its direction(s), the key that identifies a record, the field map and its value
maps, the conflict rule, and its triggers: which model's which change writes its message. The
capture (`dualwrite/capture.py`) connects its receivers from these declarations. A direction's
`apply` writes a payload on the target side through that side's public services.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from core.models import stored_value

INTEGRATION_ACTOR = "dual-write"
Payload = dict[str, Any]


@dataclass(frozen=True)
class Trigger:
    """Which change of which model (`app_label.Model`) writes a message of the map.

    `on`: "save" — a create, or an update that changes a mapped field (bulk writes included);
    "create" — creates only; "transition" — a django-fsm transition into one of `targets`,
    whose message `payload(record, by=…)` builds (a decision carries what it needs).
    `when` narrows the records (e.g. one party type of a model two maps share).
    """

    model: str
    on: str
    targets: tuple[str, ...] = ()
    when: Callable[[Any], bool] | None = None
    payload: Callable[..., Payload] | None = None


@dataclass(frozen=True)
class Direction:
    source: str  # database alias the outbox rows live in
    target: str  # database alias the payload is applied to
    apply: Callable[[Payload], None]
    # Applies many payloads at once (a relay batch), where the target has a service for it.
    apply_many: Callable[[list[Payload]], None] | None = None
    forward: bool = True  # forward: field map's left side → right side
    constants: dict[str, str] = field(default_factory=dict)
    # Two-way maps: the target record by key, whose fields are compared (conflicts).
    target_record: Callable[[str], Any] | None = None


@dataclass(frozen=True)
class InitialSyncStep:
    """Copies what exists on `source` when a map is enabled, batch by batch in key order.

    `records` returns the source queryset; with `target_keys` set, records whose key already
    exists on the target are left alone (the other side is the master for key conflicts).
    `payload` and `apply` replace the map's own for the copy (a decision is built from the
    record as its trigger would, and a decision already made is not applied again).
    `apply_many` writes a whole batch's payloads on the target at once (a bulk upsert).
    """

    source: str
    records: Callable[[], QuerySet]
    target_keys: Callable[[list[str]], set[str]] | None = None
    payload: Callable[[Any], Payload] | None = None
    apply: Callable[[Payload], None] | None = None
    apply_many: Callable[[list[Payload]], None] | None = None


_MISSING = object()


def plain(value: Any) -> Any:
    """Payloads are JSON: countries, decimals and dates travel as strings."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@dataclass(frozen=True)
class TableMap:
    """`field_map` pairs a field of one side (left) with a field of the other (right).

    Sales is the left side of the two-way maps; a payload always carries the target's names.
    A two-way map's update message also carries `changed`: the value each changed field had
    before the change, which the target compares with its own (field-level conflicts).
    """

    code: str
    name: str
    key: str
    field_map: dict[str, str]
    directions: tuple[Direction, ...]
    triggers: tuple[Trigger, ...]
    initial_sync: tuple[InitialSyncStep, ...]
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    initial_sync_master: str = ""
    # Who wins when both sides changed the same field between syncs: a side, or "newest".
    conflict_rule: str = ""
    # A message that cannot be applied is also shown on the records it concerns.
    failure_noted: Callable[[Payload, str], None] | None = None
    failure_cleared: Callable[[Payload], None] | None = None

    @property
    def two_way(self) -> bool:
        return len(self.directions) == 2

    def direction_from(self, source: str) -> Direction:
        return next(d for d in self.directions if d.source == source)

    def _pairs(self, source: str) -> list[tuple[str, str]]:
        """(field on the source record, name in the payload) for each mapped field."""
        if self.direction_from(source).forward:
            return list(self.field_map.items())
        return [(right, left) for left, right in self.field_map.items()]

    def to_payload(self, record: Any, *, source: str) -> Payload:
        direction = self.direction_from(source)
        payload = {target: plain(stored_value(record, src)) for src, target in self._pairs(source)}
        if direction.forward:
            for name, values in self.value_maps.items():
                payload[name] = values.get(payload[name], payload[name])
        return {**payload, **direction.constants}

    def changed_fields(self, record: Any, *, source: str, before: dict | None) -> Payload | None:
        """{payload name: value before} of the mapped fields a save changed; None: a new record."""
        if before is None:
            return None
        changed: Payload = {}
        for src, target in self._pairs(source):
            old = before.get(record._meta.get_field(src).attname, _MISSING)
            new = plain(stored_value(record, src))
            if old is _MISSING:
                changed[target] = None
            elif plain(old) != new:
                changed[target] = plain(old)
        return changed

    def key_field(self, source: str) -> str:
        """The field holding the map's key on `source`'s records."""
        return self.key if self.direction_from(source).forward else self.field_map[self.key]

    def record_key(self, record: Any, *, source: str) -> str:
        return str(getattr(record, self.key_field(source)))

    def target_values(self, record: Any, names) -> Payload:
        """The target record's current values under the payload's names."""
        return {name: plain(getattr(record, name)) for name in names}


def identity(*names: str) -> dict[str, str]:
    return {name: name for name in names}
