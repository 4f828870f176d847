"""Taking numbers from a system's number sequences (each system has its own table)."""

from django.db import transaction
from django.db.models import F

from .models import NumberSequence


def number_sequence_take(
    *, model: type[NumberSequence], using: str, code: str, count: int = 1
) -> list[str]:
    """Reserve `count` consecutive numbers; the row lock serializes concurrent takers."""
    with transaction.atomic(using=using):
        sequence = model._default_manager.using(using).select_for_update().get(code=code)
        first = sequence.next_value
        model._default_manager.using(using).filter(pk=sequence.pk).update(
            next_value=F("next_value") + count
        )
    return [f"{sequence.prefix}{value:0{sequence.width}d}" for value in range(first, first + count)]
