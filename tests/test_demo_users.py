import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.access import (
    COMMERCE_BACK_OFFICE,
    GROUPS,
    INTEGRATION_ADMINISTRATORS,
    SALES_REPRESENTATIVES,
    user_in_groups,
)

pytestmark = pytest.mark.django_db(databases="__all__")

User = get_user_model()


def _groups(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_creates_groups_and_one_login_per_role(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("demo_users")

    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUPS)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("demo-pass-2026")
    assert _groups("backoffice") == {COMMERCE_BACK_OFFICE}
    assert _groups("rep") == {SALES_REPRESENTATIVES}
    assert _groups("integrator") == {INTEGRATION_ADMINISTRATORS}
    for username in ("backoffice", "rep", "integrator"):
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert user.check_password("demo-pass-2026")
    assert User.objects.get(username="rep").get_full_name() == "Anna Nováková"
    assert user_in_groups(User.objects.get(username="rep"), SALES_REPRESENTATIVES)
    assert not user_in_groups(User.objects.get(username="rep"), COMMERCE_BACK_OFFICE)

    out = capsys.readouterr().out
    assert "demo-pass-2026" in out
    assert "backoffice" in out and "http://127.0.0.1:8000/hq/" in out
    assert "http://127.0.0.1:8000/api/docs/" in out


def test_rerun_changes_nothing_but_restores_the_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "first-Pass-1")
    call_command("demo_users")
    rep = User.objects.get(username="rep")
    rep.set_password("changed-by-hand")
    rep.groups.add(Group.objects.get(name=COMMERCE_BACK_OFFICE))
    rep.save()

    monkeypatch.setenv("DEMO_PASSWORD", "second-Pass-2")
    call_command("demo_users")

    assert (
        User.objects.filter(username__in=["admin", "backoffice", "rep", "integrator"]).count() == 4
    )
    assert Group.objects.filter(name__in=GROUPS).count() == len(GROUPS)
    rep.refresh_from_db()
    assert rep.check_password("second-Pass-2")
    assert _groups("rep") == {SALES_REPRESENTATIVES}
