import sys
from importlib import import_module

from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _countries_import_without_collator() -> None:
    """Import django-countries as it imports without pyuca.

    When pyuca is installed, django-countries builds a collator of the Unicode tables as it is
    imported (10 MB, in every web and worker process), for a sort key the project replaces
    (CountriesConfig.ready). core.collation builds the one collator used, on the first sort.
    """
    if "django_countries" in sys.modules:
        return
    pyuca = sys.modules.get("pyuca")
    sys.modules["pyuca"] = None  # type: ignore[assignment]  # `import pyuca` raises ImportError
    try:
        import_module("django_countries")
    finally:
        if pyuca is None:
            del sys.modules["pyuca"]
        else:
            sys.modules["pyuca"] = pyuca


# Django imports the app's package (below, as INSTALLED_APPS names this config) only after this
# module, so the import above is the first.
_countries_import_without_collator()


class CountriesConfig(AppConfig):
    """django-countries, its lists sorted in the reader's alphabet (core.collation)."""

    name = "django_countries"

    def ready(self) -> None:
        import django_countries

        from .collation import country_sort_key

        # django-countries takes its sort key from this module global, with no setting for
        # another; every country list (fields, forms, filters, the API) sorts through it.
        django_countries.sort_key = country_sort_key


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
