"""Create-or-update by business key, safe when two transactions create the same key at once."""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction

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
