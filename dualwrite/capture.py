"""Turns the changes the maps' triggers name into outbox rows, from the declarations alone.

Every receiver runs inside the transaction of the change, so the outbox row commits or rolls
back with it. `save()` is seen through `post_save`, bulk creates and updates through
`core.outboxed.records_written`, transitions through django-fsm's `post_transition`. Rows are
written whether or not the Sales integration is on: while it is off they wait, undelivered,
and nothing a person did is dropped (SPEC §3 step 9). Changes dual-write applies itself are
not written (`outbox_write`: loop prevention).
"""

from collections import defaultdict
from functools import partial
from typing import Any

from django.apps import apps
from django.db.models.signals import post_save
from django_fsm.signals import post_transition

from core.errors import NotAllowed
from core.outboxed import loaded_values, loaded_values_reset, records_written

from .maps import MAPS, TableMap, Trigger
from .models import OutboxMessage
from .outbox import is_applying, outbox_write

SaveTrigger = tuple[TableMap, Trigger]


def _source(table_map: TableMap, trigger: Trigger) -> str:
    """A trigger's model lives in the database its map's direction reads from."""
    app_label = trigger.model.split(".")[0]
    return next(d.source for d in table_map.directions if d.source == app_label)


def _saved_message(
    table_map: TableMap, trigger: Trigger, record, *, created: bool
) -> OutboxMessage | None:
    source = _source(table_map, trigger)
    payload = table_map.to_payload(record, source=source)
    if table_map.two_way:
        changed = table_map.changed_fields(
            record, source=source, before=None if created else loaded_values(record)
        )
        if changed == {}:
            return None  # nothing the map carries changed: nothing travels
        if changed is not None:
            payload["changed"] = changed
    return OutboxMessage(
        map=table_map.code,
        record_key=table_map.record_key(record, source=source),
        event="created" if created else "updated",
        payload=payload,
        version=getattr(record, "version", 1) or 1,
    )


def _records_saved(triggers: list[SaveTrigger], records: list, *, created: bool, using) -> None:
    if is_applying():
        # Dual-write's own writes travel nowhere (loop prevention): no message to build.
        for record in records:
            loaded_values_reset(record)
        return
    by_source: dict[str, list[OutboxMessage]] = defaultdict(list)
    for record in records:
        for table_map, trigger in triggers:
            if trigger.on == "create" and not created:
                continue
            if trigger.when is not None and not trigger.when(record):
                continue
            message = _saved_message(table_map, trigger, record, created=created)
            if message is not None:
                by_source[_source(table_map, trigger)].append(message)
        loaded_values_reset(record)
    for source, messages in by_source.items():
        outbox_write(using=source, messages=messages)


def _on_post_save(triggers: list[SaveTrigger], sender, instance, created, **kwargs) -> None:
    _records_saved(triggers, [instance], created=created, using=kwargs.get("using"))


def _on_records_written(
    triggers: list[SaveTrigger], sender, records, created, using, **kwargs
) -> None:
    _records_saved(triggers, records, created=created, using=using)


def _on_transition(
    table_map: TableMap, trigger: Trigger, sender, instance, name, target, **kwargs
) -> None:
    if target not in trigger.targets:
        return
    if trigger.when is not None and not trigger.when(instance):
        return
    assert trigger.payload is not None
    by = str((kwargs.get("method_kwargs") or {}).get("by") or "")
    source = _source(table_map, trigger)
    message = OutboxMessage(
        map=table_map.code,
        record_key=str(getattr(instance, table_map.key)),
        event=name,
        payload=trigger.payload(instance, by=by),
        version=getattr(instance, "version", 1) or 1,
    )
    outbox_write(using=source, messages=[message])


def _refuse_created_in_state(trigger: Trigger, sender, records, created, **kwargs) -> None:
    """A record created straight into a trigger's state would skip its transition's message."""
    if not created:
        return
    field = next(f for f in sender._meta.concrete_fields if type(f).__name__ == "FSMField")
    states = {getattr(record, field.attname) for record in records} - {field.get_default()}
    if states & set(trigger.targets):
        raise NotAllowed(
            f"{trigger.model} enters {', '.join(trigger.targets)} only through its transitions.",
            code="state_bulk_write",
        )


def connect() -> None:
    """Connect one receiver per model and signal from the maps' triggers (idempotent)."""
    saves: dict[Any, list[SaveTrigger]] = defaultdict(list)
    for table_map in MAPS.values():
        for trigger in table_map.triggers:
            model = apps.get_model(trigger.model)
            uid = f"dualwrite.{table_map.code}.{trigger.model}.{trigger.on}"
            if trigger.on == "transition":
                post_transition.connect(
                    partial(_on_transition, table_map, trigger),
                    sender=model,
                    weak=False,
                    dispatch_uid=uid,
                )
                records_written.connect(
                    partial(_refuse_created_in_state, trigger),
                    sender=model,
                    weak=False,
                    dispatch_uid=f"{uid}.refuse",
                )
            else:
                saves[model].append((table_map, trigger))
    for model, triggers in saves.items():
        uid = f"dualwrite.save.{model._meta.label}"
        post_save.connect(
            partial(_on_post_save, triggers), sender=model, weak=False, dispatch_uid=uid
        )
        records_written.connect(
            partial(_on_records_written, triggers),
            sender=model,
            weak=False,
            dispatch_uid=f"{uid}.bulk",
        )
