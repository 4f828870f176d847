from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    # Two configs live here: without this, Django would pick neither and skip ready().
    default = True
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import fsm, kicks, schedules  # noqa: F401  (connect the receivers)
        from .postgres import list_dumper_register

        list_dumper_register()


class SignInSecurityConfig(axes_apps.AppConfig):
    """django-axes under the name HQ's console shows above its sign-in records."""

    verbose_name = _("Sign-in security")
