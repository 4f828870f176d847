from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    label = "commerce"
    verbose_name = "Commerce HQ"

    def ready(self) -> None:
        from . import signals  # noqa: F401
