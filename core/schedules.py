"""celery-beat entries declared by the apps, registered once `default` is migrated.

An app declares them with a `periodic_tasks()` method on its AppConfig returning
{name: (task, args)}. get_or_create keeps whatever interval an administrator later sets.
"""

import json

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate, dispatch_uid="core.schedules.register_periodic_tasks")
def register_periodic_tasks(sender, using, **kwargs) -> None:
    if using != "default" or sender.label != "django_celery_beat":
        return
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.using(using).get_or_create(
        every=settings.JOB_SCHEDULE_SECONDS, period=IntervalSchedule.SECONDS
    )
    for config in apps.get_app_configs():
        declare = getattr(config, "periodic_tasks", None)
        for name, (task, args) in (declare() if declare else {}).items():
            PeriodicTask.objects.using(using).get_or_create(
                name=name, defaults={"task": task, "args": json.dumps(args), "interval": every}
            )
