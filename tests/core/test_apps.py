"""The app configs in core/apps.py: each is the one Django uses, so each `ready()` runs."""

import django_countries
from django.apps import apps

from core.apps import CoreConfig, CountriesConfig, SignInSecurityConfig
from core.collation import country_sort_key


def test_core_and_axes_use_the_project_configs():
    assert type(apps.get_app_config("core")) is CoreConfig
    assert type(apps.get_app_config("axes")) is SignInSecurityConfig
    assert str(apps.get_app_config("axes").verbose_name) == "Sign-in security"


def test_django_countries_uses_the_project_config_and_sort_key():
    assert type(apps.get_app_config("django_countries")) is CountriesConfig
    assert django_countries.sort_key is country_sort_key
