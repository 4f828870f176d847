"""Thin Celery tasks: they take ids or codes and call services."""

from celery import shared_task

from . import jobs, services


@shared_task(name="commerce.job_run", ignore_result=True)
def job_run(code: str, trigger: str = "schedule") -> int:
    return jobs.job_execute(code=code, trigger=trigger).pk


@shared_task(name="commerce.email_notifications_send", bind=True, ignore_result=True)
def email_notifications_send(self) -> None:
    waiting = services.email_notifications_send_due()
    if waiting:
        # Come back for the ones waiting on a backoff; beat is the safety net.
        self.apply_async(countdown=15)
