from celery import shared_task

from core.kicks import FollowedTask

from . import services
from .outbox import INITIAL_SYNC_TASK, MAP_ENABLE_TASK, RELAY_TASK, SOLUTION_ENABLE_TASK
from .relay import outbox_relay as relay


@shared_task(name=RELAY_TASK, bind=True, ignore_result=True, base=FollowedTask)
def outbox_relay(self, source: str) -> None:
    result = relay(source=source)
    if result["more"]:
        self.apply_async((source,))
    elif result["retry_in"] is not None:
        self.apply_async((source,), countdown=result["retry_in"])


# A worker killed half-way gets the task again (acks late); the sync resumes from its cursor.
@shared_task(name=INITIAL_SYNC_TASK, ignore_result=True)
def initial_sync(code: str, actor: str) -> None:
    services.initial_sync_run(code=code, actor=actor)


@shared_task(name=SOLUTION_ENABLE_TASK, ignore_result=True)
def solution_enable(actor: str) -> None:
    services.solution_enable_queue(actor=actor)


# One map of the solution, on whichever worker is free: independent maps sync at once.
@shared_task(name=MAP_ENABLE_TASK, ignore_result=True)
def map_enable(code: str, actor: str) -> None:
    services.map_enable(code=code, actor=actor)
