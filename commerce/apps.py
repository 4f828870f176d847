from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    label = "commerce"
    verbose_name = "Commerce HQ"

    def periodic_tasks(self) -> dict[str, tuple[str, list]]:
        from .jobs import JOBS

        return {
            **{job.name: ("commerce.job_run", [job.code, "schedule"]) for job in JOBS.values()},
            "Send queued emails": ("commerce.email_notifications_send", []),
        }
