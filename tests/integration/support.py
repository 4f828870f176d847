"""Helpers for tests that run against real servers and a real Celery worker."""

import socket
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

from django.db import connections

T = TypeVar("T")

POSTGRES_ENGINE = "django.db.backends.postgresql"
# The environment variable that points each alias at its database (config/settings/databases.py).
DATABASE_URL_VARS = {
    "default": "DATABASE_URL",
    "channel": "CHANNEL_DATABASE_URL",
    "commerce": "COMMERCE_DATABASE_URL",
    "sales": "SALES_DATABASE_URL",
}


def wait_until(predicate: Callable[[], T], timeout: float, *, interval: float = 0.1) -> T:
    """Poll `predicate` until it returns something truthy and return that; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            name = getattr(predicate, "__name__", repr(predicate))
            raise AssertionError(f"{name} was still false after {timeout} s")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(alias: str) -> str:
    """The URL of the database this test run really uses for `alias` (the test_… database)."""
    settings = connections[alias].settings_dict
    if settings["ENGINE"] != POSTGRES_ENGINE:
        raise RuntimeError(
            f"Database '{alias}' is {settings['ENGINE']}: another process can share only a "
            "PostgreSQL test database."
        )
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = quote(settings["HOST"] or "", safe="")
    port = settings["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(settings['NAME'], safe='')}"


def database_env() -> dict[str, str]:
    return {var: database_url(alias) for alias, var in DATABASE_URL_VARS.items()}
