"""Thin Celery tasks: they take ids or codes and call services."""

from celery import shared_task
from django.conf import settings

from core.kicks import task_kick

from . import jobs, services


@shared_task(name="commerce.job_run", ignore_result=True)
def job_run(code: str, trigger: str = "schedule") -> int:
    return jobs.job_execute(code=code, trigger=trigger).pk


# The lowest priority step of kombu's Redis transport (0 is taken first): the worker sends
# emails when no job or relay task waits, so a burst of receipts never holds up the flow.
EMAIL_TASK_PRIORITY = 9


@shared_task(name="commerce.email_notifications_send", ignore_result=True)
def email_notifications_send() -> None:
    run = services.email_notifications_send_due(time_budget=settings.EMAIL_SEND_TIME_BUDGET_SECONDS)
    if run.more_due:
        # Behind the tasks queued meanwhile: a burst of emails does not hold up the jobs.
        task_kick(email_notifications_send, priority=EMAIL_TASK_PRIORITY)
    elif run.waiting:
        # Come back for the ones waiting on a backoff; beat is the safety net.
        task_kick(email_notifications_send, countdown=15, priority=EMAIL_TASK_PRIORITY)
