"""The app configs in core/apps.py: both are the ones Django uses, so both `ready()`s run."""

from django.apps import apps

from core.apps import CoreConfig, SignInSecurityConfig


def test_core_and_axes_use_the_project_configs():
    assert type(apps.get_app_config("core")) is CoreConfig
    assert type(apps.get_app_config("axes")) is SignInSecurityConfig
    assert str(apps.get_app_config("axes").verbose_name) == "Sign-in security"
