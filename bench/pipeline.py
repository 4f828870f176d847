"""N requests already in the channel → staged in HQ → prospects → leads (issue 6).

    python -m bench.pipeline --requests 10000

N onboarding requests are bulk-inserted into the channel database, then P-0001 is sent to the
worker, as a commit would; the jobs and the dual-write relay take it from there. Each stage's
rows/s comes from the servers' own timestamps. In the same run the same N rows are bulk-inserted
straight into the three tables (staged request, prospect, lead): the ceiling the pipeline is
compared with. Peak memory of the worker and of gunicorn (each with its children) is sampled
throughout, while a light probe keeps the web busy with sign-up pages and status look-ups.
"""

import argparse
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

import requests
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from .data import party_values
from .env import BenchEnvironment, logger, logging_setup, wait_until
from .measure import PeakMemory, Timer, emit, worker_tasks
from .measure import target as target_check

BATCH = 2000
PROBE_INTERVAL = 0.5


def requests_insert(count: int, tag: str) -> list[uuid.UUID]:
    from commerce.channel.models import OnboardingRequest

    now = timezone.now()
    rows = [
        OnboardingRequest(**party_values(n, tag), language="pl", terms_accepted_at=now)
        for n in range(count)
    ]
    OnboardingRequest.objects.using("channel").bulk_create(rows, batch_size=BATCH)
    return [row.request_id for row in rows]


def ceiling_insert(count: int, tag: str) -> float:
    """Seconds to bulk-insert `count` rows straight into staged requests, prospects and leads.

    Plain querysets: the ceiling is the tables' own insert cost, so it neither writes outbox
    rows nor lets dual-write make leads of the prospects it inserts.
    """
    from django.db.models import QuerySet

    from commerce.models import ChannelRequest, Prospect
    from sales.models import Lead

    values = [party_values(n, f"{tag}-ceiling") for n in range(count)]
    request_ids = [uuid.uuid4() for _ in range(count)]
    numbers = [f"C{n:09d}" for n in range(count)]
    timer = Timer()
    with transaction.atomic(using="commerce"):
        ChannelRequest.objects.using("commerce").bulk_create(
            [
                ChannelRequest(
                    request_id=request_id,
                    request_type=ChannelRequest.Type.ONBOARDING,
                    email=row["email"],
                    payload={**row, "language": "pl"},
                )
                for request_id, row in zip(request_ids, values, strict=True)
            ],
            batch_size=BATCH,
        )
        QuerySet(Prospect).using("commerce").bulk_create(
            [
                Prospect(prospect_number=number, request_id=request_id, language="pl", **row)
                for number, request_id, row in zip(numbers, request_ids, values, strict=True)
            ],
            batch_size=BATCH,
        )
    with transaction.atomic(using="sales"):
        QuerySet(Lead).using("sales").bulk_create(
            [
                Lead(
                    prospect_number=number,
                    topic=f"B2B partner request: {row['company_name']}",
                    owner="integration",
                    lead_source=Lead.Source.B2B_COMMERCE,
                    created_by_integration=True,
                    language="pl",
                    **row,
                )
                for number, row in zip(numbers, values, strict=True)
            ],
            batch_size=BATCH,
        )
    return timer.seconds


def stage_counts() -> dict[str, int]:
    from commerce.models import ChannelRequest, Prospect
    from sales.models import Lead

    return {
        "staged": ChannelRequest.objects.using("commerce").count(),
        "prospects": Prospect.objects.using("commerce").count(),
        "leads": Lead.objects.using("sales").count(),
    }


def stage_spans() -> dict[str, tuple[datetime, datetime]]:
    """First and last timestamp of each stage's rows, as the servers stamped them."""
    from commerce.models import ChannelRequest, Prospect
    from sales.models import Lead

    def span(queryset, field: str) -> tuple[datetime, datetime]:
        bounds = queryset.aggregate(first=Min(field), last=Max(field))
        return bounds["first"], bounds["last"]

    return {
        "staged": span(ChannelRequest.objects.using("commerce"), "staged_at"),
        "prospects": span(Prospect.objects.using("commerce"), "created_at"),
        "leads": span(Lead.objects.using("sales"), "created_at"),
    }


def job_runs() -> dict:
    from commerce.models import JobRun

    runs = list(JobRun.objects.using("commerce").order_by("started_at"))
    summary: dict[str, dict] = {}
    for job, count in Counter(run.job for run in runs).items():
        mine = [run for run in runs if run.job == job]
        summary[job] = {
            "runs": count,
            "rows": sum(run.rows for run in mine),
            "errors": sum(run.errors for run in mine),
            "busy_seconds": round(sum(run.duration_seconds or 0 for run in mine), 2),
        }
    return summary


class WebProbe:
    """Keeps gunicorn lightly busy during the run: sign-up page and public status look-ups."""

    def __init__(self, base_url: str, request_ids: list[uuid.UUID]) -> None:
        self.base_url = base_url
        self.request_ids = request_ids
        self.answers: Counter[int] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = requests.Session()
        n = 0
        while not self._stop.is_set():
            request_id = self.request_ids[n % len(self.request_ids)]
            for path in ("/partner/sign-up/", f"/api/channel/onboarding-requests/{request_id}/"):
                try:
                    self.answers[session.get(self.base_url + path, timeout=10).status_code] += 1
                except requests.RequestException:
                    self.answers[0] += 1
            n += 1
            self._stop.wait(PROBE_INTERVAL)

    def __enter__(self) -> "WebProbe":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000, help="N, requests in the channel")
    parser.add_argument("--timeout", type=float, default=1200, help="give up after this long")
    parser.add_argument("--worker-pool", default="prefork")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument(
        "--worker-processes", type=int, default=1, help="celery workers (as `honcho -c worker=N`)"
    )
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    count = args.requests
    logging_setup()
    tag = uuid.uuid4().hex[:8]

    with BenchEnvironment() as env:
        env.prepare()
        env.activate()
        from commerce.tasks import job_run

        env.start_workers(
            pool=args.worker_pool,
            concurrency=args.worker_concurrency,
            processes=args.worker_processes,
        )
        base_url = env.start_web(workers=args.web_workers)

        timer = Timer()
        request_ids = requests_insert(count, tag)
        insert_seconds = timer.seconds
        logger.info("%s requests in the channel in %.1f s; kicking P-0001", count, insert_seconds)

        done_at: dict[str, float] = {}
        with PeakMemory(env.services) as memory, WebProbe(base_url, request_ids) as probe:
            started = time.time()
            job_run.delay("P-0001", "bench")

            def all_leads() -> bool:
                for stage, rows in stage_counts().items():
                    if rows >= count and stage not in done_at:
                        done_at[stage] = time.time() - started
                        logger.info("%s: %s rows after %.1f s", stage, rows, done_at[stage])
                return len(done_at) == 3

            try:
                wait_until(all_leads, args.timeout, "pipeline", interval=0.2)
            except TimeoutError as exc:
                logger.warning("%s; counts: %s", exc, stage_counts())
        spans = stage_spans()
        runs = job_runs()
        tasks = worker_tasks(env.services_named("worker"))
        final_counts = stage_counts()

        logger.info("timing the ceiling: %s rows straight into the three tables", count)
        ceiling_seconds = ceiling_insert(count, tag)

    start_moment = datetime.fromtimestamp(started, tz=UTC)
    stages = {}
    for stage, (first, last) in spans.items():
        if first is None:
            stages[stage] = {"rows": 0}
            continue
        done = (last - start_moment).total_seconds()
        busy = (last - first).total_seconds()
        stages[stage] = {
            "rows": final_counts[stage],
            "first_row_after_s": round((first - start_moment).total_seconds(), 2),
            "last_row_after_s": round(done, 2),
            "rows_per_s_since_start": round(final_counts[stage] / done, 1) if done else None,
            "rows_per_s_while_running": round(final_counts[stage] / busy, 1) if busy else None,
        }
    complete = final_counts["leads"] >= count
    # An incomplete run (timed out) still tells the rate it reached; `complete` says which.
    end_to_end = stages["leads"].get("rows_per_s_since_start")
    ceiling_rate = round(count / ceiling_seconds, 1)
    ratio = round(end_to_end / ceiling_rate, 3) if end_to_end else None
    memory_result = memory.result()
    results = {
        "requests": count,
        "channel_insert_s": round(insert_seconds, 2),
        "complete": complete,
        "stages": stages,
        "end_to_end_rows_per_s": end_to_end,
        "ceiling": {"seconds": round(ceiling_seconds, 2), "rows_per_s": ceiling_rate},
        "end_to_end_vs_ceiling": ratio,
        "job_runs": runs,
        "worker_tasks": tasks,
        "web_probe_answers": dict(probe.answers),
        "memory": memory_result,
    }
    emit(
        "pipeline",
        vars(args),
        results,
        {
            "end_to_end_rows_per_s": target_check(end_to_end, 1500, at_most=False),
            "end_to_end_vs_ceiling": target_check(ratio, 0.5, at_most=False),
            **{
                f"peak_memory_{name}_mb": target_check(peak["peak_rss_mb"], 300, unit=" MB")
                for name, peak in memory_result.items()
            },
        },
    )


if __name__ == "__main__":
    main()
