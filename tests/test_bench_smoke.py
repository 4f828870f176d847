"""The benchmarks still run: each small run prints one JSON object with its figures and targets.

Timing targets are read from the full runs' JSON (`make bench`), never asserted here.
"""

import os
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

from bench.suite import RUNS, benchmark_module, benchmark_run

pytestmark = pytest.mark.integration

EXPECTED_RESULTS = {
    "orders": {"accepted", "checkouts_per_s", "checkout", "organizations_over_limit", "bulk"},
    "latency": {"sent", "accepted", "errors", "leads_missing", "commit_to_lead", "memory"},
    "pipeline": {
        "stages",
        "end_to_end_rows_per_s",
        "ceiling",
        "end_to_end_vs_ceiling",
        "memory",
    },
    "web": {"scenarios", "signup_post_vs_bare_view", "signups_posted", "signups_stored"},
    "views": {"sizes", "pages", "queries_independent_of_rows"},
    "initial_sync": {"records_per_s", "total_seconds", "maps", "sales", "killed_and_resumed"},
}
DISTRIBUTION = {"count", "p50_ms", "p95_ms", "p99_ms", "max_ms"}
# Its own databases and Redis database: a full `make bench` may run beside the test suite.
SMOKE_REDIS_DB = 12


def _bench_env() -> dict[str, str]:
    """The PostgreSQL server and Redis of this test run, for databases of the smoke runs."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    broker = urlsplit(settings.CELERY_BROKER_URL)
    suffix = os.environ.get("TEST_DATABASE_SUFFIX", "")
    return {
        "BENCH_PG_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}",
        "BENCH_REDIS_URL": urlunsplit(broker._replace(path=f"/{SMOKE_REDIS_DB}")),
        "BENCH_DB_PREFIX": f"bench_smoke{suffix}",
    }


@pytest.mark.parametrize("name", list(RUNS["smoke"]))
def test_benchmark_prints_its_figures(name):
    result = benchmark_run(name, RUNS["smoke"][name], env=_bench_env())
    benchmark = benchmark_module(name)

    assert result["benchmark"] == benchmark
    assert {"nproc", "ram_gb"} <= set(result["machine"])
    assert EXPECTED_RESULTS[benchmark] <= set(result["results"])
    assert result["targets"]
    assert all({"value", "met"} <= set(target) for target in result["targets"].values())
    figures = result["results"]
    if benchmark == "latency":
        assert figures["accepted"] > 0
        assert set(figures["commit_to_lead"]) >= DISTRIBUTION
        assert {"worker", "web"} == set(figures["memory"])
        assert all(peak["peak_pss_mb"] > 0 for peak in figures["memory"].values())
    elif benchmark == "pipeline":
        assert figures["complete"] is True
        # One prefork worker (a parent and 2 children), or two single-process threads workers.
        worker_processes = 2 if name == "pipeline_threads" else 3
        assert figures["memory"]["worker"]["processes"] == worker_processes
        assert result["params"]["worker_processes"] == (2 if name == "pipeline_threads" else 1)
        assert {"staged", "prospects", "leads"} == set(figures["stages"])
        assert figures["ceiling"]["rows_per_s"] > 0
    elif benchmark == "web":
        assert {
            "bare_wsgi",
            "bare_view",
            "signup_get",
            "signup_post",
            "signup_post_worker_stopped",
        } == set(figures["scenarios"])
        assert figures["scenarios"]["signup_post"]["ok"] > 0
        assert figures["scenarios"]["signup_post_worker_stopped"]["ok"] > 0
        assert figures["signups_stored"] >= figures["signups_posted"]
    elif benchmark == "orders":
        assert figures["accepted"] > 0 and figures["organizations_over_limit"] == {}
        assert set(figures["checkout"]) >= DISTRIBUTION
        assert figures["bulk"]["in_hq"] == figures["bulk"]["orders"]
    elif benchmark == "initial_sync":
        # Exactly N accounts and N contacts with Commerce's values, after a clean run and after
        # a run killed part-way and started again.
        assert figures["sales"]["exact"] is True
        assert figures["killed_and_resumed"]["sales"]["exact"] is True
        assert figures["killed_and_resumed"]["all_running"] is True
        assert figures["maps"]["accounts_organization_customers"]["records"] == 500
        assert figures["memory"]["worker"]["peak_rss_mb"] > 0
    else:
        for page in figures["pages"].values():
            assert {f"rows_{size}" for size in figures["sizes"]} == set(page)
            assert all(set(size["render"]) >= DISTRIBUTION for size in page.values())
