import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import Resolver404, resolve

from core.access import (
    COMMERCE_BACK_OFFICE,
    GROUPS,
    INTEGRATION_ADMINISTRATORS,
    SALES_REPRESENTATIVES,
)

DEFAULT_PASSWORD = "demo-pass-2026"

# username → (group, console path); `admin` is the superuser and sees every console.
DEMO_USERS = {
    "admin": (None, "/hq/"),
    "backoffice": (COMMERCE_BACK_OFFICE, "/hq/"),
    "rep": (SALES_REPRESENTATIVES, "/sales/"),
    "integrator": (INTEGRATION_ADMINISTRATORS, "/hq/"),
}

# Names people see: a decision made in Sales is signed with the rep's name in HQ.
DEMO_NAMES = {
    "admin": ("Adam", "Nowak"),
    "backoffice": ("Barbora", "Svobodová"),
    "rep": ("Anna", "Nováková"),
    "integrator": ("Igor", "Kowalski"),
}

PAGES = {
    "B2B site": "/",
    "Partner sign-up": "/partner/sign-up/",
    "Commerce HQ console": "/hq/",
    "Sales console": "/sales/",
    "API docs": "/api/docs/",
    "Health": "/health/",
}


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


class Command(BaseCommand):
    help = (
        "Create the access groups and one demo login per role (admin, backoffice, rep, "
        "integrator); safe to run again. The password comes from DEMO_PASSWORD."
    )

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        User = get_user_model()
        with transaction.atomic(using="default"):
            groups = {
                name: Group.objects.using("default").get_or_create(name=name)[0] for name in GROUPS
            }
            for username, (group, _path) in DEMO_USERS.items():
                user, _created = User.objects.using("default").get_or_create(
                    username=username, defaults={"email": f"{username}@b2b.example"}
                )
                if not (user.first_name or user.last_name):
                    user.first_name, user.last_name = DEMO_NAMES[username]
                user.is_staff = True
                user.is_active = True
                user.is_superuser = group is None
                # A rerun restores the documented password, so the demo logins always work.
                user.set_password(password)
                user.save(using="default")
                user.groups.set([groups[group]] if group else [])

        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {password}):"))
        for username, (group, path) in DEMO_USERS.items():
            role = group or "superuser"
            where = f"{site}{path}" if _exists(path) else "(console not available yet)"
            self.stdout.write(f"  {username:<11} {role:<27} {where}")
        self.stdout.write(self.style.SUCCESS("Pages:"))
        for title, path in PAGES.items():
            if _exists(path):
                self.stdout.write(f"  {title:<20} {site}{path}")
