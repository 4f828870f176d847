"""Enabling the Commerce solution over an existing customer base: the initial sync (issue 15).

    python -m bench.initial_sync --customers 100000

N organization and N person customers are put in Commerce as a company's existing base would
be there (inserted below the ORM's capture, so no outbox row announces them), every map is set
back to "not running", and the solution is enabled as HQ's button does it: the worker (the
Procfile's, prefork with concurrency 2) syncs the maps, at once where the databases allow.
Reported: records/s per map and in all, total seconds, the worker's peak memory, and that Sales
then holds exactly N accounts and N contacts with Commerce's values.

Then the hard way: Sales is emptied, the accounts' sync (`manage.py dualwrite initial-sync`) is
killed (SIGKILL) part-way, and `manage.py dualwrite enable` is run: it must end complete, with
nothing twice.
"""

import argparse
import hashlib
import os
import signal
import subprocess
import sys

from django.db import connections, models, transaction

from .env import BASE_DIR, LOG_DIR, BenchEnvironment, logger, logging_setup, wait_until
from .measure import PeakMemory, Timer, emit
from .measure import target as target_check

INSERT_BATCH = 5000
ACCOUNTS, CONTACTS = "accounts_organization_customers", "contacts_person_customers"
# Fields compared between a customer and its account or contact (Commerce names → Sales names).
ACCOUNT_FIELDS = {
    "account_number": "account_number",
    "name": "name",
    "email": "email",
    "city": "city",
    "country": "country",
    "tax_id": "tax_id",
}
CONTACT_FIELDS = {
    "account_number": "contact_number",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "city": "city",
}


def customers_insert(count: int) -> float:
    """N organizations and N persons, with Polish and Czech text; returns the seconds taken."""
    from commerce.models import Customer

    plain = models.QuerySet(model=Customer, using="commerce")  # below the outbox capture
    timer = Timer()
    for party_type, prefix in (("organization", "O"), ("person", "P")):
        for start in range(0, count, INSERT_BATCH):
            plain.bulk_create(
                _customer(Customer, party_type, f"{prefix}-{n:07d}", n)
                for n in range(start, min(start + INSERT_BATCH, count))
            )
    with connections["commerce"].cursor() as cursor:
        cursor.execute("ANALYZE commerce_customer")
    return timer.seconds


def _customer(model, party_type: str, number: str, n: int):
    person = party_type == "person"
    return model(
        account_number=number,
        party_type=party_type,
        name=f"Zofia Žluťoučká {n}" if person else f"Hurtownia Łódź {n} Sp. z o.o.",
        first_name="Zofia" if person else "",
        last_name=f"Žluťoučká {n}" if person else "",
        email=f"kontakt{n}@firma-{n % 97}.example.pl",
        phone="+48123456789",
        job_title="Kierownik zakupów" if person else "",
        street=f"ul. Piotrkowska {n % 300 + 1}",
        city="Łódź" if n % 2 else "Brno",
        postal_code="90-926",
        country="PL" if n % 2 else "CZ",
        tax_id="" if person else f"PL{7250000000 + n}",
        website="" if person else "https://firma.example.pl",
        language="pl" if n % 2 else "cs",
    )


def maps_reset() -> None:
    """Every map back to "not running", as before the solution was first enabled."""
    from dualwrite.models import MapState

    MapState.objects.using("default").update(
        state=MapState.State.NOT_RUNNING,
        initial_sync_cursor={},
        initial_sync_done=0,
        initial_sync_total=0,
        initial_sync_started_at=None,
        initial_sync_finished_at=None,
    )


def sales_empty() -> None:
    with connections["sales"].cursor() as cursor:
        cursor.execute("TRUNCATE sales_contact, sales_account RESTART IDENTITY CASCADE")


def _digest(alias: str, table: str, fields: list[str], where: str = "") -> tuple[int, str]:
    """(rows, a digest of their values in key order), read in a stream."""
    digest = hashlib.sha256()
    rows = 0
    columns = ", ".join(fields)
    with connections[alias].chunked_cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} {where} ORDER BY {fields[0]}")
        for row in cursor:
            digest.update(repr(row).encode())
            rows += 1
    return rows, digest.hexdigest()


def sales_matches(count: int) -> dict:
    """Sales holds exactly N accounts and N contacts, each with its customer's values."""
    checks = {}
    for name, table, fields, party_type in (
        ("accounts", "sales_account", ACCOUNT_FIELDS, "organization"),
        ("contacts", "sales_contact", CONTACT_FIELDS, "person"),
    ):
        with transaction.atomic(using="sales"):
            sales_rows, sales_digest = _digest("sales", table, list(fields.values()))
        with transaction.atomic(using="commerce"):
            customers, commerce_digest = _digest(
                "commerce", "commerce_customer", list(fields), f"WHERE party_type = '{party_type}'"
            )
        checks[name] = {
            "rows": sales_rows,
            "expected": count,
            "values_match": sales_digest == commerce_digest and customers == count,
        }
    checks["exact"] = all(
        check["rows"] == count and check["values_match"]
        for check in checks.values()
        if isinstance(check, dict)
    )
    return checks


def map_figures(count: int) -> dict:
    """Per map: the customers it copied (N for each customer map), its seconds and their rate;
    `rows_read` also counts the keys its second step read back from Sales to find what
    Commerce lacks."""
    from dualwrite.models import MapState

    figures = {}
    for state in MapState.objects.using("default").order_by("id"):
        seconds = (
            (state.initial_sync_finished_at - state.initial_sync_started_at).total_seconds()
            if state.initial_sync_finished_at and state.initial_sync_started_at
            else None
        )
        records = count if state.code in (ACCOUNTS, CONTACTS) else 0
        figures[state.code] = {
            "state": state.state,
            "records": records,
            "rows_read": state.initial_sync_done,
            "seconds": round(seconds, 2) if seconds is not None else None,
            "records_per_s": round(records / seconds, 1) if seconds else None,
        }
    return figures


def all_running() -> bool:
    from dualwrite.models import MapState

    return not MapState.objects.using("default").exclude(state=MapState.State.RUNNING).exists()


def killed_and_resumed(env: BenchEnvironment, count: int, kill_at: float) -> dict:
    """Empty Sales, kill the accounts' initial sync part-way (SIGKILL), then enable the whole
    solution with `manage.py dualwrite enable`: the accounts resume where they stopped."""
    from dualwrite.models import MapState

    sales_empty()
    maps_reset()
    log = (LOG_DIR / f"{env.prefix}-initial-sync-killed.log").open("w")
    manage = [sys.executable, "manage.py", "dualwrite"]
    # Batches small enough for a small run to be caught half-way too.
    batch = str(max(10, min(1000, count // 50)))
    run = subprocess.Popen(
        [*manage, "initial-sync", ACCOUNTS, "--batch-size", batch],
        cwd=BASE_DIR,
        env={**os.environ, **env.env},
        stdout=log,
        stderr=log,
    )
    accounts = MapState.objects.using("default").filter(code=ACCOUNTS)
    try:
        wait_until(
            lambda: (
                run.poll() is not None
                or accounts.values_list("initial_sync_done", flat=True).get() >= kill_at * count
            ),
            600,
            "initial sync under way",
            interval=0.02,
        )
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    killed = accounts.get()
    logger.info(
        "killed at %s of %s accounts; enabling the solution", killed.initial_sync_done, count
    )
    timer = Timer()
    subprocess.run(
        [*manage, "enable"],
        cwd=BASE_DIR,
        env={**os.environ, **env.env},
        stdout=log,
        stderr=log,
        check=True,
    )
    return {
        "killed_state": killed.state,
        "killed_at_records": killed.initial_sync_done,
        "rerun_seconds": round(timer.seconds, 2),
        "all_running": all_running(),
        "sales": sales_matches(count),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100000, help="N of each party type")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--kill-at", type=float, default=0.6, help="kill the second run at this share of accounts"
    )
    args = parser.parse_args(argv)
    count = args.customers
    logging_setup()

    with BenchEnvironment() as env:
        env.prepare()
        env.activate()
        from dualwrite import services

        insert_seconds = customers_insert(count)
        logger.info("%s + %s customers in Commerce in %.1f s", count, count, insert_seconds)
        maps_reset()
        env.start_worker()
        with PeakMemory(env.services) as memory:
            timer = Timer()
            with transaction.atomic(using="default"):
                services.solution_enable_request(actor="bench")
            wait_until(all_running, args.timeout, "initial sync", interval=0.05)
            total_seconds = timer.seconds
        logger.info("solution enabled in %.1f s; checking Sales", total_seconds)
        maps = map_figures(count)
        checks = sales_matches(count)
        env.stop()
        logger.info("killing an initial sync at %.0f %% of the accounts", 100 * args.kill_at)
        resumed = killed_and_resumed(env, count, args.kill_at)

    records = sum(figures["records"] for figures in maps.values())
    rate = round(records / total_seconds, 1)
    memory_result = memory.result()
    results = {
        "customers_per_party_type": count,
        "commerce_insert_s": round(insert_seconds, 2),
        "records": records,
        "total_seconds": round(total_seconds, 2),
        "records_per_s": rate,
        "maps": maps,
        "sales": checks,
        "killed_and_resumed": resumed,
        "memory": memory_result,
    }
    emit(
        "initial_sync",
        vars(args),
        results,
        {
            "records_per_s": target_check(rate, 5000, at_most=False),
            "total_seconds": target_check(
                round(total_seconds, 2), round(2 * count / 5000, 1), unit=" s"
            ),
            "peak_memory_worker_mb": target_check(
                memory_result["worker"]["peak_rss_mb"], 300, unit=" MB"
            ),
            "sales_exact": {"value": checks["exact"], "met": checks["exact"]},
            "killed_run_exact": {
                "value": resumed["sales"]["exact"] and resumed["all_running"],
                "met": resumed["sales"]["exact"] and resumed["all_running"],
            },
        },
    )


if __name__ == "__main__":
    main()
