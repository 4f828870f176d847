from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    # Two configs live here: without this, Django would pick neither and skip ready().
    default = True
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        import django_countries

        from . import fsm, kicks, schedules  # noqa: F401  (connect the receivers)
        from .collation import country_sort_key
        from .postgres import list_dumper_register

        list_dumper_register()
        # django-countries takes its sort key (pyuca's default order) from this module global,
        # with no setting for another; every country list (fields, forms, filters, the API)
        # sorts through it.
        django_countries.sort_key = country_sort_key


class SignInSecurityConfig(axes_apps.AppConfig):
    """django-axes under the name HQ's console shows above its sign-in records."""

    verbose_name = _("Sign-in security")
