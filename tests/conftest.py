"""Test setup shared by every suite.

`make test` runs the suite twice: on the embedded default (SQLite, eager Celery) and on
PostgreSQL + Redis, where the `integration` tests also start a real Celery worker.
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import translation

from config.celery import app as celery_app
from core.access import GROUPS


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_sessionstart(session) -> None:
    """Under CI an unreachable PostgreSQL or Redis is a failure, never a skip."""
    if not _on_postgres():
        return
    import psycopg
    import redis

    problems = []
    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname="postgres",
            password=db.get("PASSWORD") or None,
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        problems.append(f"PostgreSQL unreachable: {exc}")
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis unreachable: {exc}")
    if problems:
        pytest.exit("; ".join(problems), returncode=3)


def pytest_collection_modifyitems(config, items) -> None:
    """Tests that need PostgreSQL row locks or the real worker run only in the PostgreSQL pass."""
    if _on_postgres():
        return
    needs_postgres = [
        item
        for item in items
        if item.get_closest_marker("integration") or item.get_closest_marker("postgres")
    ]
    if needs_postgres:
        config.hook.pytest_deselected(items=needs_postgres)
        items[:] = [item for item in items if item not in needs_postgres]


@pytest.fixture(autouse=True)
def _isolated_services(request, settings, tmp_path):
    """Eager Celery, a private cache and a private mail folder for each unit test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{os.getpid()}-{id(request)}",
        }
    }
    settings.SALES_INTEGRATION_ENABLED = False
    # Kicked tasks are marked queued in the cache of the process that runs them; this process's
    # cache is private, so it sends every kick (tests/core/test_kicks.py covers the marks).
    settings.KICK_QUEUED_SECONDS = 0
    if request.node.get_closest_marker("integration"):
        yield
    else:
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        yield
        celery_app.conf.task_always_eager = eager
    # A language a test activated (a page in Polish, say) must not carry over to the next one.
    translation.deactivate()


@pytest.fixture
def groups(db):
    return {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}


@pytest.fixture
def dualwrite_running(db):
    """Every table map registered and running, as after enabling the Commerce solution."""
    from dualwrite.models import MapState
    from dualwrite.services import map_states_register

    map_states_register()
    MapState.objects.update(state=MapState.State.RUNNING)
