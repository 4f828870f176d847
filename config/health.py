"""/health/: every database alias, the broker and the dual-write lag (SPEC §10, issue 5)."""

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse

from config.celery import app as celery_app
from dualwrite.selectors import dualwrite_lag_seconds


def _database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"down: {type(exc).__name__}"
    return "ok"


def _broker() -> str:
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any transport error means the broker is unusable
        return f"down: {type(exc).__name__}"
    return "ok"


def health(request):
    databases = {alias: _database(alias) for alias in settings.DATABASES}
    broker = _broker()
    checks_ok = broker == "ok" and all(state == "ok" for state in databases.values())
    lag = dualwrite_lag_seconds() if checks_ok else None
    lag_ok = lag is not None and lag <= settings.DUALWRITE_LAG_ALERT_SECONDS
    healthy = checks_ok and lag_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "databases": databases,
            "broker": broker,
            "dualwrite": {
                "lag_seconds": lag,
                "threshold_seconds": settings.DUALWRITE_LAG_ALERT_SECONDS,
                "status": "ok" if lag_ok else "lagging" if lag is not None else "unknown",
            },
        },
        status=200 if healthy else 503,
    )
