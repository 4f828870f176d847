"""Kicks: Celery tasks sent when a transaction commits, to start its follow-up work at once.

A kick only makes work start in seconds instead of at the next celery-beat run (SPEC §6), so
it must never undo what was just saved: when the broker cannot be reached, the change stays
committed, a warning is logged, and the scheduled run of the same task picks the work up.

Kicked tasks work through everything that is due, so one queued copy of a task is enough: a
kick while an identical task still waits in the queue is not sent again (so 20 sign-ups a second
do not queue 20 job runs a second). The queued mark is a cache key, cleared when the task starts
(so work committed meanwhile gets a new kick) and expiring on its own, in case the queued
message is lost with the broker.
"""

import logging
from urllib.parse import quote

from celery import Task, current_app
from celery.signals import task_prerun
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError

from .errors import Unavailable

logger = logging.getLogger(__name__)


def _queued_key(task: Task, args: tuple) -> str:
    # The queue is part of the key: processes sharing the cache may serve different queues.
    parts = (task.app.conf.task_default_queue, task.name, *args)
    return "kick:" + quote(":".join(map(str, parts)), safe=":")


def task_named(name: str) -> Task:
    """The task registered as `name`: services kick tasks without importing their modules.

    A worker imports every app's task module when it starts; a web process may not have yet.
    """
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def task_kick_on_commit(task: Task, *args, using: str, **options) -> None:
    """Send `task(*args)` once the transaction on `using` commits; a broker outage only warns.

    `options` go to `apply_async` (a priority, say).
    """
    key = _queued_key(task, args)

    def kick() -> None:
        # Only a definite "already there" skips the kick; a cache outage (None) sends it.
        queued_for = settings.KICK_QUEUED_SECONDS
        if queued_for and cache.add(key, 1, timeout=queued_for) is False:
            return
        if not task_kick(task, *args, **options):
            cache.delete(key)  # not queued after all: the next commit may try again

    transaction.on_commit(kick, using=using)


def task_kick(task: Task, *args, **options) -> bool:
    """Send `task(*args)` now if the broker answers; if not, warn and return False.

    For work that the beat schedule runs anyway, so a kick lost to an outage only delays it.
    """
    try:
        task_send(task, *args, **options)
    except Unavailable as refused:
        logger.warning(
            "The broker is unreachable (%s): %s%r was not sent; the beat schedule will run it.",
            refused.__cause__,
            task.name,
            args,
        )
        return False
    return True


def task_send(task: Task, *args, **options) -> None:
    """Send `task(*args)` now; raise Unavailable if the broker cannot be reached.

    One connection attempt, no retries: whoever asked gets an answer at once, where kombu would
    otherwise keep reconnecting for seconds.
    """
    try:
        task.apply_async(args, retry_policy={"max_retries": 0}, **options)
    except OperationalError as exc:
        raise Unavailable(code="queue_unavailable") from exc


@task_prerun.connect(dispatch_uid="core.kicks.queued_clear")
def _queued_clear(sender=None, args=None, **kwargs) -> None:
    """A started task no longer waits in the queue: the next commit may kick it again."""
    if sender is not None:
        cache.delete(_queued_key(sender, tuple(args or ())))
