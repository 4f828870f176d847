"""Create-or-update by business key, safe when two transactions create the same key at once."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import Versioned

RecordT = TypeVar("RecordT", bound=models.Model)


def locked_or_created(
    records: models.QuerySet[RecordT], create: Callable[[], RecordT], *, using: str
) -> tuple[RecordT, bool]:
    """The record `records` finds, locked; else the one `create` saves (True when created).

    A row that does not exist yet cannot be locked, so two writers may both try to insert it
    (two relays applying an account and the decision that carries it). The insert runs in a
    savepoint; the loser's unique-key error is undone and it gets the winner's row, locked.
    """
    record = records.select_for_update().first()
    if record is not None:
        return record, False
    try:
        with transaction.atomic(using=using):
            return create(), True
    except IntegrityError:
        return records.select_for_update().get(), False


@dataclass
class Upserted:
    """What `records_upsert` wrote: the records it inserted and those it changed."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)


def records_upsert(
    records: models.QuerySet[RecordT],
    *,
    key: str,
    rows: dict[str, dict[str, Any]],
    created_with: dict[str, Any] | None = None,
    prepare: Callable[[RecordT], None] = lambda record: None,
    derived: tuple[str, ...] = (),
) -> Upserted:
    """Create or update many records by a unique business key, in the caller's transaction.

    One locked read of the existing records, one bulk insert of the new ones and one bulk
    update of those whose values differ; a record whose values are all current is not written,
    so applying the same rows again writes nothing. `created_with` are values only a new record
    takes. `prepare` validates a record about to be written and sets its `derived` fields
    (bulk writes do not call `save()`). A versioned record's version and time of change move
    on as a save would move them.
    """
    using = records.db
    existing = {
        getattr(record, key): record
        for record in records.select_for_update().filter(**{f"{key}__in": list(rows)})
    }
    done = Upserted()
    changed_fields: set[str] = set()
    for number, values in rows.items():
        record = existing.get(number)
        if record is None:
            record = records.model(**{key: number}, **(created_with or {}), **values)
            done.created.append(record)
        else:
            changed = {name for name, value in values.items() if getattr(record, name) != value}
            if not changed:
                continue
            for name in changed:
                setattr(record, name, values[name])
            changed_fields |= changed
            done.updated.append(record)
        prepare(record)
    manager = records.model._default_manager.db_manager(using)
    manager.bulk_create(done.created)
    if done.updated:
        if isinstance(done.updated[0], Versioned):
            now = timezone.now()
            for record in done.updated:
                record.version += 1
                record.updated_at = now
            changed_fields |= {"version", "updated_at"}
        manager.bulk_update(done.updated, fields=sorted(changed_fields | set(derived)))
    return done
