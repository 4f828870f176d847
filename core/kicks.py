"""Kicks: Celery tasks sent when a transaction commits, to start its follow-up work at once.

A kick only makes work start in seconds instead of at the next celery-beat run (SPEC §6), so
it must never undo what was just saved: when the broker cannot be reached, the change stays
committed, a warning is logged, and the scheduled run of the same task picks the work up.
"""

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def task_kick_on_commit(task: Task, *args, using: str) -> None:
    """Send `task(*args)` once the transaction on `using` commits; a broker outage only warns."""

    def kick() -> None:
        try:
            # One connection attempt, no retries: the user's request would wait for them (kombu
            # otherwise keeps reconnecting for seconds), and beat runs the task anyway.
            task.apply_async(args, retry_policy={"max_retries": 0})
        except OperationalError as exc:
            logger.warning(
                "The broker is unreachable (%s): %s%r was not sent; the beat schedule will run it.",
                exc,
                task.name,
                args,
            )

    transaction.on_commit(kick, using=using)
