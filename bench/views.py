"""The consoles' big lists at 1,000 and at N rows: SQL queries per page and render time (issue 6).

    python -m bench.views --rows 100000

HQ "All prospects" (as a back-office user) and the Sales lead views "All B2B commerce leads"
and "My open leads" (as a sales rep) are rendered with Django's test client, in this process,
with the queries of every database alias captured. Prospects and leads are bulk-inserted: a
quarter of the leads are the rep's own and open, most come from B2B commerce.
"""

import argparse
import time
from contextlib import ExitStack

from .data import party_values
from .env import BenchEnvironment, logger, logging_setup
from .measure import Timer, distribution_ms, emit
from .measure import target as target_check

SMALL = 1000
BATCH = 5000
BACK_OFFICE_USER = "bench-backoffice"
SALES_REP_USER = "bench-rep"
# name: (path, user)
PAGES = {
    "hq_all_prospects": ("/hq/commerce/prospect/", BACK_OFFICE_USER),
    "sales_all_b2b_commerce_leads": (
        "/sales/sales/lead/?view=all-b2b-commerce-leads",
        SALES_REP_USER,
    ),
    "sales_my_open_leads": ("/sales/sales/lead/?view=my-open-leads", SALES_REP_USER),
}
WARM_UP_RENDERS = 2


def users_create() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES

    users = {}
    for username, group in (
        (BACK_OFFICE_USER, COMMERCE_BACK_OFFICE),
        (SALES_REP_USER, SALES_REPRESENTATIVES),
    ):
        user = get_user_model().objects.using("default").create(username=username, is_staff=True)
        user.groups.add(Group.objects.using("default").get_or_create(name=group)[0])
        users[username] = user
    return users


def rows_fill(upto: int, tag: str) -> None:
    """Add prospects and leads until each table holds `upto` rows.

    Plain querysets: these are the pages' data, not changes for dual-write to carry.
    """
    from django.db.models import QuerySet

    from commerce.models import Prospect
    from sales.models import Lead

    start = Prospect.objects.using("commerce").count()
    for first in range(start, upto, BATCH):
        numbers = range(first, min(first + BATCH, upto))
        QuerySet(Prospect).using("commerce").bulk_create(
            Prospect(prospect_number=f"P{n:09d}", language="pl", **party_values(n, tag))
            for n in numbers
        )
        QuerySet(Lead).using("sales").bulk_create(
            Lead(
                prospect_number=f"P{n:09d}",
                topic=f"B2B partner request {n}",
                owner=SALES_REP_USER if n % 4 == 0 else "integration",
                lead_source=Lead.Source.B2B_COMMERCE if n % 5 else Lead.Source.WEB,
                created_by_integration=n % 4 != 0,
                language="pl",
                **party_values(n, tag),
            )
            for n in numbers
        )


def statistics_refresh() -> None:
    """VACUUM ANALYZE, as autovacuum does after a bulk of inserts (PostgreSQL 13+): the planner
    then picks the indexes it would pick in production, and counts read the visibility map
    (index-only scans) instead of every heap page."""
    from django.db import connections

    for alias in ("commerce", "sales"):
        with connections[alias].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def page_measure(client, path: str, renders: int) -> dict:
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP_RENDERS):
        client.get(path)
    seconds, queries = [], []
    for _ in range(renders):
        with ExitStack() as stack:
            captures = {
                alias: stack.enter_context(CaptureQueriesContext(connections[alias]))
                for alias in connections
            }
            started = time.perf_counter()
            response = client.get(path)
            seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        queries.append({alias: len(capture) for alias, capture in captures.items()})
    by_alias = {alias: max(q[alias] for q in queries) for alias in queries[0]}
    return {
        "queries": sum(by_alias.values()),
        "queries_by_alias": {alias: count for alias, count in by_alias.items() if count},
        "render": distribution_ms(seconds),
        "bytes": len(response.content),
    }


def pages_measure(users: dict, renders: int) -> dict:
    from django.test import Client

    measured = {}
    for name, (path, username) in PAGES.items():
        client = Client()
        client.force_login(users[username])
        measured[name] = page_measure(client, path, renders)
        logger.info("%s: %s", name, measured[name])
    return measured


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000, help="prospects and leads each")
    parser.add_argument("--renders", type=int, default=20, help="timed renders per page")
    args = parser.parse_args(argv)
    logging_setup()

    with BenchEnvironment() as env:
        env.prepare()
        env.activate()
        users = users_create()
        sizes = sorted({min(SMALL, args.rows), args.rows})
        by_size: dict[int, dict] = {}
        for size in sizes:
            timer = Timer()
            rows_fill(size, "views")
            statistics_refresh()
            logger.info("%s prospects and leads in %.1f s", size, timer.seconds)
            by_size[size] = pages_measure(users, args.renders)

    small, large = by_size[sizes[0]], by_size[sizes[-1]]
    pages = {name: {f"rows_{size}": by_size[size][name] for size in sizes} for name in PAGES}
    independent = all(small[name]["queries"] == large[name]["queries"] for name in PAGES)
    targets = {"queries_independent_of_rows": {"value": independent, "met": independent}}
    for name in PAGES:
        targets[f"{name}_queries"] = target_check(large[name]["queries"], 10)
        targets[f"{name}_p95_ms"] = target_check(large[name]["render"]["p95_ms"], 200, unit=" ms")
    emit(
        "views",
        vars(args),
        {"sizes": sizes, "pages": pages, "queries_independent_of_rows": independent},
        targets,
    )


if __name__ == "__main__":
    main()
