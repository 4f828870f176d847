"""Thin Celery tasks: they take ids or codes and call jobs and the mailer."""

from celery import shared_task
from django.conf import settings

from core.kicks import FollowedTask, task_kick

from .emails.mailer import email_notifications_send_due
from .jobs import JOB_TASK, job_execute
from .services.notifications import EMAIL_TASK, EMAIL_TASK_PRIORITY


@shared_task(name=JOB_TASK, ignore_result=True, base=FollowedTask)
def job_run(code: str, trigger: str = "schedule") -> int:
    return job_execute(code=code, trigger=trigger).pk


@shared_task(name=EMAIL_TASK, ignore_result=True)
def email_notifications_send() -> None:
    run = email_notifications_send_due(time_budget=settings.EMAIL_SEND_TIME_BUDGET_SECONDS)
    if run.more_due:
        # Behind the tasks queued meanwhile: a burst of emails does not hold up the jobs.
        task_kick(email_notifications_send, priority=EMAIL_TASK_PRIORITY)
    elif run.waiting:
        # Come back for the ones waiting on a backoff; beat is the safety net.
        task_kick(email_notifications_send, countdown=15, priority=EMAIL_TASK_PRIORITY)
