from django.apps import AppConfig


class DualwriteConfig(AppConfig):
    name = "dualwrite"
    label = "dualwrite"
    verbose_name = "Dual-write"

    def ready(self) -> None:
        from . import capture  # noqa: F401  (connects the outbox receivers)

    def periodic_tasks(self) -> dict[str, tuple[str, list]]:
        from .maps import source_aliases

        return {
            f"Dual-write relay ({source})": ("dualwrite.outbox_relay", [source])
            for source in source_aliases()
        }
