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

import contextvars
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


def _taken_key(key: str) -> str:
    return "taken:" + key


# The follow-ups kicked by the FollowedTask running in this process: (task, args, queued key).
_follow_ups: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "kicks_follow_ups", default=None
)
# How many follow-ups deep a process goes (upload → sync → relay is two).
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("kicks_depth", default=0)
_FOLLOW_UP_DEPTH = 3


def task_kick_on_commit(task: Task, *args, using: str, **options) -> None:
    """Send `task(*args)` once the transaction on `using` commits; a broker outage only warns.

    `options` go to `apply_async` (a priority, say). Kicked from inside a `FollowedTask`, a
    follow-up that is one too may be run by that task's process as it ends (`FollowedTask`).
    """
    key = _queued_key(task, args)

    def kick() -> None:
        follow_ups = _follow_ups.get()
        if follow_ups is not None and isinstance(task, FollowedTask):
            follow_ups.append((task, args, key))
        # Only a definite "already there" skips the kick; a cache outage (None) sends it.
        queued_for = settings.KICK_QUEUED_SECONDS
        if queued_for and cache.add(key, 1, timeout=queued_for) is False:
            return
        if not task_kick(task, *args, **options):
            cache.delete(key)  # not queued after all: the next commit may try again

    transaction.on_commit(kick, using=using)


class FollowedTask(Task):
    """A kicked task whose follow-ups do not wait in the queue behind other work.

    When it ends, each follow-up it kicked (a job run after the upload, the relay after the
    sync) that still waits in the queue, no process having started it, is run here at once:
    otherwise, with every process busy, a sign-up's lead waited in the queue at each hop
    (about 100 ms of its 300 ms at p95, 20 sign-ups/s). The queued copy, when a process takes
    it, finds the work taken and returns; a follow-up already started elsewhere is left to it.
    Who runs it is decided by deleting the queued mark: exactly one of the two succeeds.
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        if getattr(self.request, "kick_taken", False):
            return None  # its work was run by the process that kicked it
        depth = _depth.get()
        token, depth_token = _follow_ups.set([]), _depth.set(depth + 1)
        try:
            result = super().__call__(*args, **kwargs)
            if depth < _FOLLOW_UP_DEPTH:
                _follow_ups_run(_follow_ups.get() or [])
        finally:
            _follow_ups.reset(token)
            _depth.reset(depth_token)
        return result


def _follow_ups_run(follow_ups: list) -> None:
    # Each follow-up once, however many commits kicked it.
    for key, (task, args) in {key: (task, args) for task, args, key in follow_ups}.items():
        taken = _taken_key(key)
        # Marked before the queued mark is deleted, so a start that finds the mark gone also
        # finds why; unmarked again if a process started it first.
        cache.set(taken, 1, timeout=settings.KICK_QUEUED_SECONDS)
        if cache.delete(key) is True:
            task(*args)
        else:
            cache.delete(taken)


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
    """A started task no longer waits in the queue: the next commit may kick it again.

    A `FollowedTask` whose queued mark is already gone, taken by the process that kicked it,
    returns without running (`FollowedTask`).
    """
    if sender is None:
        return
    key = _queued_key(sender, tuple(args or ()))
    if cache.delete(key) is False and isinstance(sender, FollowedTask):
        sender.request.kick_taken = bool(cache.delete(_taken_key(key)))  # type: ignore[attr-defined]
