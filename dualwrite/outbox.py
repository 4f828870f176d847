"""Writing outbox rows, and knowing when a change is dual-write's own (loop prevention)."""

import contextlib
import contextvars
from collections.abc import Iterator

from core.kicks import task_kick_on_commit, task_named
from core.postgres import rows_copy

from .models import OutboxMessage

# Registered task names (dualwrite/tasks.py): services and capture kick them without importing
# the task module, which imports them.
RELAY_TASK = "dualwrite.outbox_relay"
INITIAL_SYNC_TASK = "dualwrite.initial_sync"
SOLUTION_ENABLE_TASK = "dualwrite.solution_enable"
MAP_ENABLE_TASK = "dualwrite.map_enable"

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
    rows_copy(messages, using=using, ids=False)
    task_kick_on_commit(task_named(RELAY_TASK), using, using=using)
