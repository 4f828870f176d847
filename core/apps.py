from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from . import fsm, kicks, schedules  # noqa: F401  (connect the receivers)
        from .postgres import list_dumper_register

        list_dumper_register()
