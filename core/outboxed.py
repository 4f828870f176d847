"""Models whose changes another system must learn of: every write path is announced.

`post_save` covers `save()`; `OutboxedQuerySet` announces bulk creates, bulk updates and
queryset updates through `records_written`, in the writing transaction, so that a listener
(dual-write's capture) can write its outbox rows atomically with them. A bulk write of a state
machine's field is refused: states change only through their logged transitions (SPEC §4).
`ChangeTracking` remembers the values a record was loaded with, so a listener can tell which
fields a save changed.
"""

from typing import Any

from django.db import models, transaction
from django.dispatch import Signal
from django_fsm import FSMField

from .errors import NotAllowed
from .models import stored_value
from .postgres import rows_copy

# Sent with `records` (a list), `created` (bool), `using` and `fields` (None: every field).
records_written = Signal()


def loaded_values(record: models.Model) -> dict[str, Any] | None:
    """The field values the record had when loaded or last saved; None for a new record."""
    return getattr(record, "_loaded_values", None)


def loaded_values_reset(record: models.Model) -> None:
    """After a listener has handled a save, the saved values are the new starting point."""
    record._loaded_values = {  # type: ignore[attr-defined]
        field.attname: stored_value(record, field.attname) for field in record._meta.concrete_fields
    }


class ChangeTracking(models.Model):
    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):  # type: ignore[override]
        record = super().from_db(db, field_names, values, **kwargs)
        record._loaded_values = dict(zip(field_names, values, strict=True))  # type: ignore[attr-defined]
        return record


def _refuse_state_writes(model: type[models.Model], fields) -> None:
    states = [f.name for f in model._meta.concrete_fields if isinstance(f, FSMField)]
    touched = [name for name in states if fields is None or name in fields]
    if touched:
        raise NotAllowed(
            f"{model._meta.label}.{touched[0]} changes only through its transitions, "
            "never by a bulk write.",
            code="state_bulk_write",
        )


class OutboxedQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            # Rows skipped or merged by the database cannot be told apart from inserted ones.
            raise NotAllowed(f"{self.model._meta.label} is not bulk-created with conflicts.")
        objs = list(objs)
        if args or kwargs:
            objs = super().bulk_create(objs, *args, **kwargs)
        else:
            rows_copy(objs, using=self.db)
        records_written.send(
            sender=self.model, records=objs, created=True, using=self.db, fields=None
        )
        return objs

    # bulk_update() runs through update() (Django builds it from CASE expressions).
    def update(self, **kwargs):
        _refuse_state_writes(self.model, kwargs)
        with transaction.atomic(using=self.db):
            before: dict[Any, models.Model] = {record.pk: record for record in self}  # type: ignore[attr-defined,misc]
            count = super().update(**kwargs)
            records = list(self.model._base_manager.using(self.db).filter(pk__in=list(before)))
            for record in records:
                # What each record held before the update, for the listener's diff.
                record._loaded_values = loaded_values(before[record.pk])  # type: ignore[attr-defined]
            records_written.send(
                sender=self.model, records=records, created=False, using=self.db, fields=set(kwargs)
            )
        return count
