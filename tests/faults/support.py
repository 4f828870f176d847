"""The faults themselves: processes to kill, a Redis to stop, a link to cut, a mail server to hold.

Everything here is private to one test: its own Redis server (so that stopping the broker never
takes the shared one away from the rest of the suite or from other developers), its own SMTP
server, its own Celery processes and its own proxy in front of PostgreSQL.
"""

import asyncio
import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.integration.support import free_port, wait_until

START_TIMEOUT = 30
STOP_TIMEOUT = 15

# --- Redis -------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of this test's own, started and stopped like the production one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        directory.mkdir(parents=True, exist_ok=True)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def _answers(self) -> bool:
        try:
            return bool(self._client().ping())
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            start_new_session=True,
        )
        wait_until(self._answers, START_TIMEOUT)

    def stop(self) -> None:
        """`SHUTDOWN NOSAVE`: the server goes away with everything queued in it."""
        if self.process is None or self.process.poll() is not None:
            return
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            check=False,
            capture_output=True,
            timeout=STOP_TIMEOUT,
        )
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- a link that can be cut --------------------------------------------------------------------


class TCPProxy:
    """Forwards 127.0.0.1:`port` to `upstream`; `cut` drops every connection and refuses new ones.

    While cut nothing listens on the port, so a client gets "connection refused" at once, as
    from a database server that is down; `restore` listens again on the same port.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    restore = start

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        for sock in [*([listener] if listener else []), *sockets]:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed by cut()
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(server)
                    continue
                self._sockets.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.difference_update((source, target))
            _close(source)
            _close(target)


def _close(sock: socket.socket) -> None:
    # shutdown() wakes a thread blocked in accept() or recv() on it; close() alone does not.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# --- SMTP --------------------------------------------------------------------------------------


@dataclass
class MailServer:
    """A real SMTP server that keeps each accepted message and can hold one sender on demand.

    After `hold_after(n)` it accepts n more messages, then holds the next sender at MAIL FROM,
    before the message is handed over, until `release()`; other senders go on as usual.
    """

    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    messages: list[EmailMessage] = field(default_factory=list)
    held: int = 0  # senders waiting at MAIL FROM right now
    _allowance: int | None = None
    _released: bool = True

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def hold_after(self, count: int) -> None:
        self._released = False
        self._allowance = count

    def release(self) -> None:
        self._released = True

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        if self._allowance == 0:
            self._allowance = None
            self.held += 1
            while not self._released:
                await asyncio.sleep(0.02)
            self.held -= 1
        elif self._allowance is not None:
            self._allowance -= 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def by_recipient_and_subject(self) -> Counter[tuple[str, str]]:
        # An encoded, folded Subject can come back with a leading space; the words are the same.
        return Counter((str(m["To"]), " ".join(str(m["Subject"]).split())) for m in self.messages)

    def by_notification(self) -> Counter[str]:
        return Counter(str(m["X-Notification-Id"]) for m in self.messages)

    def serve(self) -> Controller:
        controller = Controller(self, hostname=self.host, port=self.port)
        controller.start()
        return controller


# --- Celery processes --------------------------------------------------------------------------


@dataclass
class CeleryProcess:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and every pool child, at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Warm shutdown (running tasks finish); SIGKILL if it takes too long."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()


class CeleryProcesses:
    """Starts `celery worker` and `celery beat` processes on this test's databases and broker."""

    def __init__(self, env: dict[str, str], directory: Path) -> None:
        self.env = env
        self.directory = directory
        self.started: list[CeleryProcess] = []

    def _start(self, name: str, arguments: list[str], ready_line: str, env: dict) -> CeleryProcess:
        log_path = self.directory / f"{name}.log"
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *arguments],
                cwd=settings.BASE_DIR,
                env={**os.environ, **self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        celery = CeleryProcess(name=name, process=process, log_path=log_path)
        self.started.append(celery)

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited early:\n{celery.log()}")
            return ready_line in celery.log()

        wait_until(ready, START_TIMEOUT, interval=0.1)
        return celery

    def worker(
        self, name: str, *, pool: str = "threads", concurrency: int = 4, env: dict | None = None
    ) -> CeleryProcess:
        arguments = [
            "worker", "-P", pool, "--concurrency", str(concurrency), "-l", "info",
            "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        return self._start(name, arguments, " ready.", env or {})

    def beat(self, name: str, *, env: dict | None = None) -> CeleryProcess:
        arguments = [
            "beat", "-l", "info",
            "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile", str(self.directory / f"{name}.pid"),
            "--schedule", str(self.directory / f"{name}-schedule"),
        ]  # fmt: skip
        return self._start(name, arguments, "beat: Starting...", env or {})

    def stop_all(self) -> None:
        for celery in self.started:
            celery.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {c.name} ({c.log_path}) ---\n{c.log()}" for c in self.started)


def url_through(url: str, port: int) -> str:
    """The same database URL, reached through a proxy listening on 127.0.0.1:`port`."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{port}"))
