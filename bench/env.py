"""The world a benchmark runs in: PostgreSQL databases of its own, a Redis database, a real
Celery worker and gunicorn, started as subprocesses and stopped at the end.

Every run starts from empty databases cloned from migrated templates (`<prefix>_tpl_<alias>`),
so it keeps what the migrations seed (number sequences, schedules) and has every dual-write map
running, without paying for the migrations each time.

Environment: BENCH_PG_URL (the server, default postgres://postgres@127.0.0.1:5432),
BENCH_REDIS_URL (with its database, default redis://127.0.0.1:6379/13) and BENCH_DB_PREFIX
(default "bench"). Two runs at once need different prefixes and Redis databases.
"""

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
LOG_DIR = BASE_DIR / "var" / "bench"
DATABASE_URL_VARS = {
    "default": "DATABASE_URL",
    "channel": "CHANNEL_DATABASE_URL",
    "commerce": "COMMERCE_DATABASE_URL",
    "sales": "SALES_DATABASE_URL",
}
START_TIMEOUT = 60
STOP_TIMEOUT = 30

logger = logging.getLogger("bench")


def logging_setup() -> None:
    """Progress goes to stderr; stdout carries the one JSON object."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not done after {timeout:.0f} s")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Service:
    """A server process the benchmark started; its output goes to a log file."""

    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited early; its log:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: running work finishes
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                # The process leads a session of its own, started by us: end that group only.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class BenchEnvironment:
    """Databases, broker and server processes of one benchmark run; use it as a context."""

    def __init__(self, *, overrides: dict[str, str] | None = None) -> None:
        self.server_url = os.environ.get(
            "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"
        ).rstrip("/")
        self.redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
        self.prefix = os.environ.get("BENCH_DB_PREFIX", "bench")
        self.services: list[Service] = []
        self.env = {
            **{var: self._url(self._name(alias)) for alias, var in DATABASE_URL_VARS.items()},
            "CELERY_BROKER_URL": self.redis_url,
            "CACHE_URL": self.redis_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            # Production settings need a secret key: the caller's, or one for this run.
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "SALES_INTEGRATION_ENABLED": "true",
            # One client sends every sign-up of a run.
            "SIGNUP_RATE_LIMIT": "100000/h",
            # Emails are rendered and queued as in production; sending them is not measured.
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            **(overrides or {}),
        }
        LOG_DIR.mkdir(parents=True, exist_ok=True)

    def _name(self, alias: str, *, template: bool = False) -> str:
        return f"{self.prefix}_tpl_{alias}" if template else f"{self.prefix}_{alias}"

    def _url(self, database: str) -> str:
        return f"{self.server_url}/{database}"

    def __enter__(self) -> "BenchEnvironment":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- databases and broker -----------------------------------------------------------------

    def _server(self) -> psycopg.Connection:
        return psycopg.connect(self._url("postgres"), autocommit=True)

    def manage(self, *commands: list[str], env: dict[str, str] | None = None) -> None:
        """Run management commands, one after the other, in one process (Django loads once)."""
        script = (
            "import json, sys, django; from django.core.management import call_command; "
            "django.setup(); [call_command(*command) for command in json.loads(sys.argv[1])]"
        )
        subprocess.run(
            [sys.executable, "-c", script, json.dumps(commands)],
            cwd=BASE_DIR,
            env={**os.environ, **(env or self.env)},
            stdout=sys.stderr,
            check=True,
        )

    def prepare(self) -> None:
        """Migrated templates (created once), then empty working databases cloned from them."""
        started = time.monotonic()
        with self._server() as server:
            existing = {row[0] for row in server.execute("SELECT datname FROM pg_database")}
            for alias in DATABASE_URL_VARS:
                template = self._name(alias, template=True)
                if template not in existing:
                    server.execute(f'CREATE DATABASE "{template}"')
        template_env = {
            **self.env,
            **{
                var: self._url(self._name(alias, template=True))
                for alias, var in DATABASE_URL_VARS.items()
            },
        }
        self.manage(["migrate_all", "-v", "0"], ["dualwrite", "enable"], env=template_env)
        with self._server() as server:
            for alias in DATABASE_URL_VARS:
                name, template = self._name(alias), self._name(alias, template=True)
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        redis.Redis.from_url(self.redis_url).flushdb()
        logger.info("databases %s_* ready in %.1f s", self.prefix, time.monotonic() - started)

    def activate(self) -> None:
        """Point this process's Django at the benchmark databases and broker."""
        os.environ.update(self.env)
        import django

        django.setup()
        import config.celery  # noqa: F401  (tasks sent from here go to the benchmark's broker)

    # --- server processes ---------------------------------------------------------------------

    def _start(self, name: str, command: list[str], log_name: str = "") -> Service:
        log_path = LOG_DIR / f"{self.prefix}-{log_name or name}.log"
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        service = Service(name, process, log_path)
        self.services.append(service)
        return service

    def start_worker(self, *, pool: str = "prefork", concurrency: int = 2) -> Service:
        return self.start_workers(pool=pool, concurrency=concurrency, processes=1)[0]

    def start_workers(self, *, pool: str, concurrency: int, processes: int) -> list[Service]:
        """`processes` celery workers, all named "worker" (measured and read together)."""
        workers = [
            self._start(
                "worker",
                [
                    # As the Procfile starts it: celery's worker without its shell CLI.
                    *(sys.executable, "-m", "config.worker", "-l", "info"),
                    *("-P", pool, "--concurrency", str(concurrency)),
                    *("-n", f"bench-{os.getpid()}-{number}@%h"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                log_name=f"worker-{number}" if processes > 1 else "worker",
            )
            for number in range(processes)
        ]

        def ready() -> bool:
            for worker in workers:
                worker.check_alive()
            return all(" ready." in worker.log() for worker in workers)

        wait_until(ready, START_TIMEOUT, "celery worker start")
        logger.info(
            "celery worker ready (%s process(es), pool %s, concurrency %s)",
            processes,
            pool,
            concurrency,
        )
        return workers

    def start_web(self, *, app: str = "config.wsgi:application", workers: int = 2) -> str:
        """Start gunicorn; returns its base URL."""
        port = free_port()
        web = self._start(
            "web",
            [
                *(sys.executable, "-m", "gunicorn", app, "-w", str(workers)),
                *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
            ],
        )
        base_url = f"http://127.0.0.1:{port}"

        def answering() -> bool:
            web.check_alive()
            try:
                with urllib.request.urlopen(f"{base_url}/health/", timeout=2):
                    return True
            except urllib.error.HTTPError:
                return True  # any answer means it is up
            except OSError:
                return False

        wait_until(answering, START_TIMEOUT, "gunicorn start", interval=0.2)
        logger.info("gunicorn ready at %s (%s workers, %s)", base_url, workers, app)
        return base_url

    def services_named(self, name: str) -> list[Service]:
        return [service for service in self.services if service.name == name]

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services.clear()
