"""Writing outbox rows, and knowing when a change is dual-write's own (loop prevention)."""

import contextlib
import contextvars
from collections.abc import Iterator

from core.kicks import task_kick_on_commit

from .models import OutboxMessage

_applying_map: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "dualwrite_applying_map", default=None
)


@contextlib.contextmanager
def applying(map_code: str) -> Iterator[None]:
    """Mark changes made inside as dual-write's own, so that they do not echo back."""
    token = _applying_map.set(map_code)
    try:
        yield
    finally:
        _applying_map.reset(token)


def is_applying() -> bool:
    return _applying_map.get() is not None


def outbox_write(*, using: str, messages: list[OutboxMessage]) -> None:
    """Store messages in the caller's transaction on `using`; the relay is kicked on commit."""
    if not messages or is_applying():
        return
    OutboxMessage.objects.using(using).bulk_create(messages)
    from .tasks import outbox_relay

    task_kick_on_commit(outbox_relay, using, using=using)
