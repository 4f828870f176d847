"""Fixtures for end-to-end tests: a real SMTP server and a real Celery worker.

They run only in the PostgreSQL pass (`integration` marker). A test using `celery_worker` needs
`pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")`: the
worker sees only what the test commits, and the rows the migrations seed (number sequences),
which the flush after every transactional test removes, are restored before the test. Every
transactional test of the suite must ask for serialized_rollback: a flush without it re-creates
the content types, and the next restore then collides with them.

To run the worker with other settings, override `worker_env` in a test module, or parametrize
`sales_integration_enabled` indirectly:

    @pytest.mark.parametrize("sales_integration_enabled", [True], indirect=True)
"""

import email
import email.policy
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from config.celery import app as celery_app

from .support import database_env, free_port, wait_until

WORKER_START_TIMEOUT = 30
WORKER_STOP_TIMEOUT = 15


@dataclass
class SMTPServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def messages_to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.messages if recipient in m.get_all("To", [])]


class _Collector:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        # A long encoded subject (Czech, Polish) comes back folded; compare it unfolded.
        subject = " ".join(str(message["Subject"] or "").split())
        del message["Subject"]
        message["Subject"] = subject
        self.server.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; `messages` holds each received mail, parsed."""
    server = SMTPServer(host="127.0.0.1", port=free_port())
    controller = Controller(_Collector(server), hostname=server.host, port=server.port)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture
def sales_integration_enabled(request, settings) -> bool:
    """Whether the Sales integration is on, in this process and in the worker (default off)."""
    enabled = bool(getattr(request, "param", False))
    settings.SALES_INTEGRATION_ENABLED = enabled
    return enabled


@pytest.fixture
def worker_env(django_db_setup, smtp_server, sales_integration_enabled) -> dict[str, str]:
    """What the worker's environment overrides: this run's test databases, broker and mail."""
    return {
        **database_env(),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "EMAIL_URL": smtp_server.url,
        "SALES_INTEGRATION_ENABLED": "true" if sales_integration_enabled else "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Warm shutdown (running tasks finish); killed if it does not stop in time."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(WORKER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _require_transactional_db(request) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (
        marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback")
    ):
        pytest.fail(
            "celery_worker needs pytest.mark.django_db(transaction=True, serialized_rollback=True, "
            "databases='__all__'): the worker only sees committed data."
        )


@contextmanager
def worker_started(env: dict[str, str], log_path: Path) -> Iterator[WorkerProcess]:
    """A real `celery worker` process with `env`, on a queue of its own, until the block ends.

    While it runs, this process sends its tasks to that queue and never runs them itself.
    """
    name = f"integration-{uuid.uuid4().hex[:12]}"
    command = [
        *(sys.executable, "-m", "celery", "-A", "tests.integration.worker_app", "worker"),
        *("-P", "threads", "--concurrency", "4", "-l", "info", "-n", f"{name}@%h", "-Q", name),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=django_settings.BASE_DIR,
            env={**os.environ, **env, "INTEGRATION_TASK_QUEUE": name},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    eager, queue = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = name
    worker = WorkerProcess(process=process, log_path=log_path)

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"The Celery worker exited early:\n{worker.log()}")
        return " ready." in worker.log()

    try:
        wait_until(ready, WORKER_START_TIMEOUT, interval=0.2)
        yield worker
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = queue
        worker.stop()


@pytest.fixture
def celery_worker(request, worker_env, tmp_path):
    """A real `celery worker` process on this run's test databases and broker.

    Tasks the test process sends on commit go through the broker to this worker, as in
    production, on a queue of its own, so that test runs sharing a Redis never take each other's
    tasks. The worker's log is printed when the test fails.
    """
    _require_transactional_db(request)
    log_path = tmp_path / "celery-worker.log"
    with worker_started(worker_env, log_path) as worker:
        try:
            yield worker
        finally:
            report = getattr(request.node, "report_call", None)
            if report is None or report.failed:
                print(f"--- Celery worker log ({log_path}) ---\n{worker.log()}")
