"""/health/: the databases, the broker, the jobs' backlog and the dual-write lag (SPEC §10).

With the Sales integration off, dual-write delivers nothing by design and its changes wait:
`sales_integration` says "off" and the waiting is no error (SPEC §3 step 9).
"""

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse

from commerce.selectors import job_backlog_seconds
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


def _status(ok: bool, seconds: float | None, *, behind: str) -> str:
    return "ok" if ok else behind if seconds is not None else "unknown"


def health(request):
    databases = {alias: _database(alias) for alias in settings.DATABASES}
    broker = _broker()
    checks_ok = broker == "ok" and all(state == "ok" for state in databases.values())
    integration_on = bool(settings.SALES_INTEGRATION_ENABLED)
    lag = dualwrite_lag_seconds() if checks_ok else None
    lag_ok = lag is not None and lag <= settings.DUALWRITE_LAG_ALERT_SECONDS
    dualwrite_status = _status(lag_ok, lag, behind="lagging")
    if not integration_on and lag is not None:
        lag_ok, dualwrite_status = True, "off"  # waiting until it is on is no error
    # Work waiting for the workers: it grows when the broker answers but nothing consumes.
    backlog = job_backlog_seconds() if checks_ok else None
    backlog_ok = backlog is not None and backlog <= settings.JOB_BACKLOG_ALERT_SECONDS
    healthy = checks_ok and lag_ok and backlog_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "databases": databases,
            "broker": broker,
            "sales_integration": "on" if integration_on else "off",
            "jobs": {
                "backlog_seconds": backlog,
                "threshold_seconds": settings.JOB_BACKLOG_ALERT_SECONDS,
                "status": _status(backlog_ok, backlog, behind="behind"),
            },
            "dualwrite": {
                "lag_seconds": lag,
                "threshold_seconds": settings.DUALWRITE_LAG_ALERT_SECONDS,
                "status": dualwrite_status,
            },
        },
        status=200 if healthy else 503,
    )
