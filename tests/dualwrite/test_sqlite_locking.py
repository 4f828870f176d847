"""On the embedded default (SQLite files), console saves and relay batches never meet
"database is locked".

`make run` runs web, worker (two prefork children) and beat as separate processes on the same
SQLite files; each file has one write lock. The relays of both sources and a Sales rep saving
contacts in the /sales/ console run here as real processes on SQLite files of this module's own,
after a resume left a backlog on both sides. Found by hand: the relay held its source's write
lock while applying the batch on the target, so the two relays took the two files in opposite
orders, each waited the busy timeout for the other, and the console save waiting behind them
answered 500 "database is locked".

The processes wait `BUSY_TIMEOUT` seconds for a lock (30 in production), so that a deadlock
shows within the test's time; any legitimate wait is far shorter.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALIASES = ("default", "channel", "commerce", "sales")
BUSY_TIMEOUT = 10
SALES_BACKLOG = 300  # Sales contacts waiting to become Commerce person customers
COMMERCE_BACKLOG = 300  # Commerce person customers waiting to become Sales contacts
CONSOLE_CONTACTS = 4  # the contacts the rep keeps saving
SAVES = 40
SAVE_PAUSE = 0.05
RUN_SECONDS = 45  # a process still running then is stuck: it is killed and the test fails
# Two relays of Sales: the scheduled run and a kicked one can run at once in the two children.
RELAYS = ("commerce", "sales", "sales")

RELAY_ACTOR = "sqlite locking test"


# --- the processes (each runs `manage.py shell -c` with one of these roles) -------------------


def _role_dir() -> Path:
    return Path(os.environ["LOCK_TEST_DIR"])


def _ready_and_wait(name: str) -> None:
    """Tell the test this process is up, then start together with the others."""
    directory = _role_dir()
    (directory / f"ready-{name}").touch()
    while not (directory / "go").exists():
        time.sleep(0.01)


def _report(name: str, result: dict) -> None:
    """Written after every step, so that a process killed as stuck still tells what it saw."""
    path = _role_dir() / f"result-{name}.json"
    path.with_suffix(".tmp").write_text(json.dumps(result))
    path.with_suffix(".tmp").replace(path)


def _seed() -> dict:
    from django.contrib.auth import get_user_model

    from commerce.services import customer_upsert
    from dualwrite.models import MapState
    from dualwrite.services import map_resume, map_states_register
    from sales.services import contact_upsert_from_commerce

    get_user_model().objects.create_superuser("lock.admin", "lock.admin@example.com", "x")
    map_states_register()
    # Paused, then resumed once the backlog is there (a resume kicks the relays; here the
    # kicks go to an in-memory broker that nobody serves: the test starts the relays itself).
    MapState.objects.update(state=MapState.State.PAUSED)
    for number in range(SALES_BACKLOG):
        contact_upsert_from_commerce(
            contact_number=f"SC-{number:05}",
            values={"first_name": "Zofia", "last_name": f"Sales {number}", "country": "PL"},
        )
    for number in range(CONSOLE_CONTACTS):
        contact_upsert_from_commerce(
            contact_number=f"CONSOLE-{number}",
            values={"first_name": "Jan", "last_name": f"Console {number}", "country": "PL"},
        )
    for number in range(COMMERCE_BACKLOG):
        customer_upsert(
            account_number=f"CC-{number:05}",
            party_type="person",
            values={"name": f"Commerce {number}", "last_name": f"Commerce {number}"},
        )
    for state in MapState.objects.all():
        map_resume(code=state.code, actor=RELAY_ACTOR)
    return {}


def _relay(name: str, source: str) -> dict:
    from django.db import connections

    from dualwrite.relay import outbox_relay

    _ready_and_wait(name)
    deadline = time.monotonic() + RUN_SECONDS
    report = {"errors": [], "delivered": 0, "failed": 0, "longest_run": 0.0}
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            result = outbox_relay(source=source)
        except Exception as exc:  # the test reports it
            report["errors"].append(f"{type(exc).__name__}: {exc}")
            connections.close_all()
            continue
        finally:
            report["longest_run"] = max(report["longest_run"], time.monotonic() - started)
            _report(name, report)
        report["delivered"] += result["delivered"]
        report["failed"] += result["failed"]
        if (_role_dir() / "done-saver").exists() and not result["more"]:
            break
        if not result["delivered"]:
            time.sleep(0.05)
    return report


def _saver(name: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from sales.models import Contact

    client = Client()
    client.force_login(get_user_model().objects.get(username="lock.admin"))
    contacts = list(Contact.objects.filter(contact_number__startswith="CONSOLE-").order_by("pk"))
    _ready_and_wait(name)
    report: dict = {"outcomes": [], "saved": {}, "longest_save": 0.0}
    try:
        for number in range(SAVES):
            contact = contacts[number % len(contacts)]
            job_title = f"save {number}"
            data = {
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "email": "",
                "phone": "",
                "job_title": job_title,
                "language": "en",
                "street": "",
                "city": "",
                "state": "",
                "postal_code": "",
                "country": "PL",
            }
            url = reverse("sales:sales_contact_change", args=[contact.pk])
            started = time.monotonic()
            try:
                outcome = client.post(url, data).status_code
            except Exception as exc:  # the test reports it
                outcome = f"{type(exc).__name__}: {exc}"
            report["longest_save"] = max(report["longest_save"], time.monotonic() - started)
            report["outcomes"].append(outcome)
            if outcome == 302:
                report["saved"].setdefault(contact.contact_number, []).append(job_title)
            _report(name, report)
            time.sleep(SAVE_PAUSE)
    finally:
        (_role_dir() / "done-saver").touch()
    return report


def _state() -> dict:
    from django.db.models import Count, Sum

    from commerce.models import Customer
    from dualwrite.models import DeliveryError, InboxMessage, MapState, OutboxMessage
    from sales.models import Contact

    return {
        "outbox": {
            alias: dict(
                OutboxMessage.objects.using(alias)
                .values_list("state")
                .annotate(n=Count("id"))
                .values_list("state", "n")
            )
            for alias in ("commerce", "sales")
        },
        "inbox": {
            alias: InboxMessage.objects.using(alias).count() for alias in ("commerce", "sales")
        },
        "delivered_count": MapState.objects.aggregate(n=Sum("delivered_count"))["n"],
        "errors": list(DeliveryError.objects.values_list("error", flat=True)[:5]),
        "error_count": DeliveryError.objects.count(),
        "contacts": Contact.objects.count(),
        "customers": Customer.objects.filter(party_type="person").count(),
        "console": {
            contact.contact_number: [contact.version, contact.job_title]
            for contact in Contact.objects.filter(contact_number__startswith="CONSOLE-")
        },
        "console_customers": dict(
            Customer.objects.filter(account_number__startswith="CONSOLE-").values_list(
                "account_number", "job_title"
            )
        ),
    }


def child() -> None:
    """Entry point of the processes: `manage.py shell -c` calls it; LOCK_TEST_ROLE says what."""
    role, _, argument = os.environ["LOCK_TEST_ROLE"].partition(":")
    name = os.environ.get("LOCK_TEST_NAME", role)
    if role == "seed":
        result = _seed()
    elif role == "relay":
        result = _relay(name, argument)
    elif role == "saver":
        result = _saver(name)
    else:
        result = _state()
    _report(name, {**result, "finished": True})


# --- the test ---------------------------------------------------------------------------------


def _environment(directory: Path) -> dict[str, str]:
    env = dict(os.environ)
    for variable in ("TEST_DATABASE_SUFFIX", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(variable, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **{
                ("DATABASE_URL" if alias == "default" else f"{alias.upper()}_DATABASE_URL"): (
                    f"sqlite:///{directory / f'{alias}.sqlite3'}?timeout={BUSY_TIMEOUT}"
                )
                for alias in ALIASES
            },
            # Kicks go to a broker in each process's memory, which no worker serves.
            "CELERY_BROKER_URL": "memory://",
            "CACHE_URL": "locmemcache://",
            "EMAIL_FILE_PATH": str(directory / "mail"),
            "SALES_INTEGRATION_ENABLED": "true",
            "LOG_LEVEL": "ERROR",
            "LOCK_TEST_DIR": str(directory),
        }
    )
    return env


def _start(env: dict, role: str, name: str) -> subprocess.Popen:
    code = "from tests.dualwrite.test_sqlite_locking import child; child()"
    with (Path(env["LOCK_TEST_DIR"]) / f"{name}.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env={**env, "LOCK_TEST_ROLE": role, "LOCK_TEST_NAME": name},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _finish(process: subprocess.Popen, timeout: float) -> None:
    """Wait for the process; one still running after `timeout` is stuck and killed."""
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _result(directory: Path, name: str) -> dict:
    """What the process reported; one that did not finish shows the end of its log."""
    path = directory / f"result-{name}.json"
    result = json.loads(path.read_text()) if path.exists() else {}
    if not result.get("finished"):
        result["log"] = (directory / f"{name}.log").read_text(errors="replace")[-3000:]
    return result


def _run(env: dict, role: str, name: str = "") -> dict:
    name = name or role
    _finish(_start(env, role, name), RUN_SECONDS)
    result = _result(Path(env["LOCK_TEST_DIR"]), name)
    assert result.get("finished"), f"{name} did not finish:\n{result['log']}"
    return result


@pytest.fixture(scope="module")
def backlog(tmp_path_factory) -> dict[str, str]:
    """SQLite files with maps just resumed over a backlog on both sides."""
    directory = tmp_path_factory.mktemp("sqlite-locking")
    env = _environment(directory)
    subprocess.run(
        [sys.executable, "manage.py", "migrate_all", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    _run(env, "seed")
    return env


def test_console_saves_while_relays_deliver_a_backlog_on_both_sides(backlog):
    env, directory = backlog, Path(backlog["LOCK_TEST_DIR"])
    relays = {f"relay-{source}-{index}": source for index, source in enumerate(RELAYS)}
    processes = {name: _start(env, f"relay:{source}", name) for name, source in relays.items()}
    processes["saver"] = _start(env, "saver", "saver")
    try:
        deadline = time.monotonic() + RUN_SECONDS
        while not all((directory / f"ready-{name}").exists() for name in processes):
            assert time.monotonic() < deadline, "the processes did not start"
            assert all(p.poll() is None for p in processes.values()), "a process died"
            time.sleep(0.05)
        (directory / "go").touch()
        # The relays stop by themselves after RUN_SECONDS; one still busy later is stuck.
        deadline = time.monotonic() + RUN_SECONDS + 10
        for process in processes.values():
            _finish(process, max(deadline - time.monotonic(), 0.1))
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    results = {name: _result(directory, name) for name in processes}
    report = "\n".join(
        f"{name}: {json.dumps(result, indent=1)}" for name, result in results.items()
    )
    saver = results["saver"]
    assert [o for o in saver.get("outcomes", []) if o != 302] == [], report
    for name in relays:
        assert (results[name].get("errors"), results[name].get("failed")) == ([], 0), report
    assert all(result.get("finished") for result in results.values()), report
    state = _run(env, "state")
    assert state["error_count"] == 0, state["errors"]

    # Every message delivered, once (the inbox holds one row per message; the counters agree).
    outbox = state["outbox"]
    assert set(outbox["commerce"]) == set(outbox["sales"]) == {"delivered"}, outbox
    assert state["inbox"] == {
        "sales": outbox["commerce"]["delivered"],
        "commerce": outbox["sales"]["delivered"],
    }
    messages = outbox["commerce"]["delivered"] + outbox["sales"]["delivered"]
    assert messages == SALES_BACKLOG + CONSOLE_CONTACTS + COMMERCE_BACKLOG + SAVES
    assert state["delivered_count"] == messages
    assert state["contacts"] == state["customers"] == messages - SAVES

    # Every save landed, in Sales and, delivered, in Commerce.
    assert sum(len(titles) for titles in saver["saved"].values()) == SAVES
    for number, titles in saver["saved"].items():
        assert state["console"][number] == [1 + len(titles), titles[-1]]
        assert state["console_customers"][number] == titles[-1]
