from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "commerce"
    label = "commerce"
    verbose_name = _("Commerce HQ")

    def periodic_tasks(self) -> dict[str, tuple[str, list]]:
        from .jobs import JOB_TASK, JOBS
        from .services.notifications import EMAIL_TASK

        return {
            **{job.name: (JOB_TASK, [job.code, "schedule"]) for job in JOBS.values()},
            "Send queued emails": (EMAIL_TASK, []),
        }
