"""Applying a batch together, and item by item only when that fails."""

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import transaction

from .fsm import transition_logs_batched

T = TypeVar("T")


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
