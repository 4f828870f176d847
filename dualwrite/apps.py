from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def relays_kick(**kwargs) -> None:
    """A worker that starts delivers what waits at once, not at the next beat run.

    Changes made while the Sales integration was off wait in the outboxes; after a restart with
    it on they go out by themselves (SPEC §3 step 9). The beat schedule below is the safety net.
    """
    from django.conf import settings

    if not settings.SALES_INTEGRATION_ENABLED:
        return
    from core.kicks import task_kick

    from .maps import source_aliases
    from .tasks import outbox_relay

    for source in source_aliases():
        task_kick(outbox_relay, source)


class DualwriteConfig(AppConfig):
    name = "dualwrite"
    label = "dualwrite"
    verbose_name = _("Dual-write")

    def ready(self) -> None:
        from celery.signals import worker_ready

        from .capture import connect

        connect()  # the outbox receivers, from the maps' triggers
        worker_ready.connect(relays_kick, weak=False, dispatch_uid="dualwrite.relays_kick")

    def periodic_tasks(self) -> dict[str, tuple[str, list]]:
        """Each source's relay, every JOB_SCHEDULE_SECONDS: it also delivers what waited while
        the Sales integration was off, once it is on again."""
        from .maps import source_aliases

        return {
            f"Dual-write relay ({source})": ("dualwrite.outbox_relay", [source])
            for source in source_aliases()
        }
