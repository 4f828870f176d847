"""Fixtures of the fault-injection suite (SPEC §12, issue 6).

Each test gets a Redis server (broker and cache), an SMTP server and Celery processes of its
own, so that it can stop, stall and kill them without touching anything another test or
developer uses. The processes work on this run's test databases, which is why every test here
is `transaction=True`: they only see what the test process commits.
"""

import pytest
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from tests.integration.conftest import sales_integration_enabled  # noqa: F401  (shared fixture)
from tests.integration.support import database_env

from .support import CeleryProcesses, MailServer, RedisServer


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _many_sign_ups_from_one_client(settings) -> None:
    # Every sign-up of a scenario comes from the one test client (one IP address).
    settings.SIGNUP_RATE_LIMIT = "1000/m"


@pytest.fixture
def redis_server(tmp_path):
    """This test's Redis; the test process sends its tasks there too."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    _send_tasks_to(server.url(0))
    try:
        yield server
    finally:
        _send_tasks_to(None)
        server.stop()


def _send_tasks_to(url: str | None) -> None:
    """Point this process's Celery app at another broker (None: the configured one again)."""
    celery_app.pool.force_close_all()
    # kombu keeps producer pools per broker URL in a process-wide registry: empty it too, or
    # the closed pool of the configured broker would be handed out again afterwards.
    kombu_pools.reset()
    celery_app.conf.broker_write_url = url
    # The connection and producer pools were made for the old URL; they are made again lazily.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def mail_server():
    server = MailServer()
    controller = server.serve()
    yield server
    server.release()
    controller.stop()


@pytest.fixture
def fault_env(
    django_db_setup,
    redis_server,
    mail_server,
    sales_integration_enabled,  # noqa: F811
) -> dict[str, str]:
    """The Celery processes' environment: this run's databases, this test's Redis and SMTP."""
    return {
        **database_env(),
        "CELERY_BROKER_URL": redis_server.url(0),
        "CACHE_URL": redis_server.url(1),
        "EMAIL_URL": mail_server.url,
        "SALES_INTEGRATION_ENABLED": "true" if sales_integration_enabled else "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Dual-write retries 1 s, 2 s, 4 s, then every 5 s: an outage of half a minute is
        # retried many times, and caught up within seconds of its end.
        "DUALWRITE_RETRY_BASE_SECONDS": "1",
        "DUALWRITE_RETRY_MAX_SECONDS": "5",
    }


@pytest.fixture
def celery(request, fault_env, tmp_path):
    """Starts Celery workers and beats for the test; their logs are printed when it fails."""
    processes = CeleryProcesses(fault_env, tmp_path)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield processes
    finally:
        celery_app.conf.task_always_eager = eager
        processes.stop_all()
        report = getattr(request.node, "report_call", None)
        if report is None or report.failed:
            print(processes.logs())
