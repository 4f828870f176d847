"""Registers the jobs' celery-beat schedules once `default` is migrated.

get_or_create keeps whatever interval an administrator later sets in the HQ console.
"""

import json

from django.conf import settings
from django.db.models.signals import post_migrate
from django.dispatch import receiver

SCHEDULED_TASKS = {
    "P-0001": ("commerce.job_run", ["P-0001", "schedule"]),
    "Synchronize orders and channel requests": (
        "commerce.job_run",
        ["Synchronize orders and channel requests", "schedule"],
    ),
    "Send queued emails": ("commerce.email_notifications_send", []),
}


@receiver(post_migrate, dispatch_uid="commerce.signals.register_schedules")
def register_schedules(sender, using, **kwargs) -> None:
    if using != "default" or sender.label != "django_celery_beat":
        return
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.using(using).get_or_create(
        every=settings.JOB_SCHEDULE_SECONDS, period=IntervalSchedule.SECONDS
    )
    for name, (task, args) in SCHEDULED_TASKS.items():
        PeriodicTask.objects.using(using).get_or_create(
            name=name, defaults={"task": task, "args": json.dumps(args), "interval": every}
        )
