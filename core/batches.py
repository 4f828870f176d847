"""Claiming due rows in batches; applying a batch together, item by item only when that fails."""

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from django.db import connections, transaction
from django.db.models import Model, QuerySet

from .fsm import transition_logs_batched

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def rows_claim(due: QuerySet[M], *, using: str, batch_size: int) -> list[M]:
    """The first `batch_size` of `due` (ordered by an index) not locked by another
    transaction, locked until the caller's transaction on `using` ends.

    PostgreSQL is told not to sort for this one statement: right after a burst its statistics
    still count few due rows, so it would read and sort every one of them (about 30 ms a batch
    at 10,000 outbox messages) instead of walking the index and stopping at the batch's size.
    Only for a plain query whose order an index gives: the relay's. Where sorting cannot be
    avoided (or a prefetch runs inside), turning it off makes the plan worse, not better: the
    jobs' claims of orders with their lines took twice as long.
    """
    postgres = connections[using].vendor == "postgresql"
    if postgres:
        with connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
    batch = list(due.select_for_update(skip_locked=True)[:batch_size])
    if postgres:
        with connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = DEFAULT")
    return batch


def claimed_batches(
    due: QuerySet[M], *, using: str, batch_size: int, alive: Callable[[], None]
) -> Iterator[list[M]]:
    """Yield `due`'s rows (ordered) in batches claimed with SKIP LOCKED, each inside its own
    transaction on `using` with its transition logs batched: the caller's work on a batch
    commits with it, or an exception rolls it back. `alive` is called before each batch.

    Rows locked by a concurrent run are left to it. A batch shorter than `batch_size` took all
    that was due, so the run ends there without another read; rows committed meanwhile were
    kicked after it started (core.kicks). A plain existence check comes first, so a run with
    nothing to do opens no transaction.
    """
    while due.exists():
        alive()
        with transaction.atomic(using=using), transition_logs_batched():
            batch = list(due.select_for_update(skip_locked=True)[:batch_size])
            if not batch:
                return
            yield batch
        if len(batch) < batch_size:
            return


def savepoint_apply(
    items: Sequence[T], apply: Callable[[list[T]], None], *, using: str, together: bool = True
) -> list[tuple[T, Exception]]:
    """Apply `items` in one savepoint on `using`; returns the items that failed, with why.

    When applying them together fails (or `together` is off), each item gets a savepoint of
    its own, so a bad item fails alone and the others are applied: the batch costs one round
    of statements in the usual case and never loses good items to a bad one. Transition logs
    written inside roll back with their savepoint.
    """
    groups = [list(items)] if together and len(items) > 1 else [[item] for item in items]
    failures: list[tuple[T, Exception]] = []
    for group in groups:
        try:
            with transaction.atomic(using=using), transition_logs_batched():
                apply(group)
        except Exception as exc:  # kept with the item it belongs to; the caller records it
            if len(group) > 1:
                failures += savepoint_apply(group, apply, using=using, together=False)
            else:
                failures.append((group[0], exc))
    return failures
