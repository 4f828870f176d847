"""Sign-up commit → lead in Sales, under a constant arrival rate over HTTP (issue 6).

    python -m bench.latency --rate 20 --seconds 30

Sign-ups are POSTed to the JSON API through gunicorn on a fixed schedule (open loop: a slow
answer never delays the next send). After the run, each lead's `created_at` minus its request's
`created_at` (both stamped by the servers, one clock) is the commit → lead latency; the time
from the client's answer to the lead is reported beside it.
"""

import argparse
import bisect
import itertools
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests

from .data import signup_json
from .env import BenchEnvironment, logger, logging_setup, wait_until
from .measure import PeakMemory, distribution_ms, emit, worker_tasks
from .measure import target as target_check

SIGNUP_PATH = "/api/channel/onboarding-requests/"
WARM_UP_REQUESTS = 3


@dataclass
class Sent:
    number: int
    late_by: float  # seconds after its scheduled time the send started
    started_at: float  # wall clock
    answered_at: float
    status: int | None = None
    request_id: str | None = None
    error: str = ""


class SignUpClient:
    """POSTs sign-ups; one HTTP session per thread."""

    def __init__(self, base_url: str, tag: str) -> None:
        self.url = base_url + SIGNUP_PATH
        self.tag = tag
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def send(self, number: int, due: float | None = None) -> Sent:
        """POST one sign-up; `due` is when it was scheduled (time.monotonic())."""
        late_by = 0.0 if due is None else time.monotonic() - due
        started = time.time()
        try:
            response = self._session().post(
                self.url, json=signup_json(number, self.tag), timeout=30
            )
        except requests.RequestException as exc:
            return Sent(number, late_by, started, time.time(), error=type(exc).__name__)
        sent = Sent(number, late_by, started, time.time(), status=response.status_code)
        if response.status_code == 201:
            sent.request_id = response.json()["request_id"]
        else:
            sent.error = response.text[:200]
        return sent


def send_open_loop(client: SignUpClient, *, rate: float, seconds: float) -> list[Sent]:
    """Send rate * seconds sign-ups, each at its scheduled time, from a pool of threads."""
    total = max(1, round(rate * seconds))
    # Enough threads that a slow answer never holds back a send, up to 10 s answers.
    with ThreadPoolExecutor(max_workers=max(16, int(rate * 10))) as pool:
        start = time.monotonic()
        futures = []
        for number in range(total):
            due = start + number / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(client.send, number, due))
        return [future.result() for future in futures]


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


# The hops a request takes, each stamped by the server that made the row.
HOPS = ("request_to_staged", "staged_to_prospect", "prospect_to_lead")


@dataclass
class Latencies:
    commit_to_lead: list[float] = field(default_factory=list)
    answer_to_lead: list[float] = field(default_factory=list)
    hops: dict[str, list[float]] = field(default_factory=lambda: {hop: [] for hop in HOPS})
    # Of the first two hops, the part spent before the job run that made the row started:
    # commit → kick → queue → a free worker process (the rest is the run's own work).
    waits: dict[str, list[float]] = field(default_factory=lambda: {hop: [] for hop in HOPS[:2]})
    missing: int = 0


def lead_latencies(accepted: list[Sent]) -> Latencies:
    """Seconds from each accepted request's commit (and from its answer) to its lead."""
    from commerce.channel.models import OnboardingRequest
    from commerce.jobs import SYNCHRONIZE
    from commerce.models import ChannelRequest, JobRun, Prospect
    from sales.models import Lead

    ids = [uuid.UUID(sent.request_id) for sent in accepted if sent.request_id]
    created = dict(
        OnboardingRequest.objects.using("channel")
        .filter(request_id__in=ids)
        .values_list("request_id", "created_at")
    )
    staged = {
        request_id: (staged_at, upload_started)
        for request_id, staged_at, upload_started in ChannelRequest.objects.using("commerce")
        .filter(request_id__in=ids)
        .values_list("request_id", "staged_at", "upload_run__started_at")
    }
    sync_runs = sorted(
        JobRun.objects.using("commerce")
        .filter(job=SYNCHRONIZE.code, finished_at__isnull=False)
        .values_list("started_at", "finished_at")
    )
    prospects = {
        request_id: (number, created_at)
        for request_id, number, created_at in Prospect.objects.using("commerce")
        .filter(request_id__in=ids)
        .values_list("request_id", "prospect_number", "created_at")
    }
    leads = dict(
        Lead.objects.using("sales")
        .filter(prospect_number__in=[number for number, _ in prospects.values()])
        .values_list("prospect_number", "created_at")
    )
    latencies = Latencies()
    for sent in accepted:
        request_id = uuid.UUID(sent.request_id)
        prospect_number, prospect_at = prospects.get(request_id, ("", None))
        lead_at = leads.get(prospect_number)
        if lead_at is None:
            latencies.missing += 1
            continue
        latencies.commit_to_lead.append((lead_at - created[request_id]).total_seconds())
        latencies.answer_to_lead.append((lead_at - _moment(sent.answered_at)).total_seconds())
        staged_at, upload_started = staged[request_id]
        moments = (created[request_id], staged_at, prospect_at, lead_at)
        for hop, (earlier, later) in zip(HOPS, itertools.pairwise(moments), strict=True):
            latencies.hops[hop].append((later - earlier).total_seconds())
        latencies.waits[HOPS[0]].append((upload_started - created[request_id]).total_seconds())
        sync_started = _run_start(sync_runs, prospect_at)
        if sync_started is not None:
            latencies.waits[HOPS[1]].append((sync_started - staged_at).total_seconds())
    return latencies


def _run_start(runs: list[tuple[datetime, datetime]], moment: datetime) -> datetime | None:
    """The start of the run (sorted by start) that was running at `moment`."""
    index = bisect.bisect_right(runs, (moment, moment)) - 1
    while index >= 0:
        started, finished = runs[index]
        if finished >= moment:
            return started
        index -= 1
    return None


def _lead_count() -> int:
    from sales.models import Lead

    return Lead.objects.using("sales").count()


def _job_runs() -> dict[str, int]:
    from commerce.models import JobRun

    return dict(Counter(JobRun.objects.using("commerce").values_list("job", flat=True)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20, help="sign-ups per second")
    parser.add_argument("--seconds", type=float, default=30, help="how long to send")
    parser.add_argument("--timeout", type=float, default=120, help="wait this long for leads")
    parser.add_argument("--worker-pool", default="prefork")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument(
        "--worker-processes", type=int, default=1, help="celery workers (as `honcho -c worker=N`)"
    )
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    logging_setup()
    tag = uuid.uuid4().hex[:8]

    with BenchEnvironment() as env:
        env.prepare()
        env.activate()
        env.start_workers(
            pool=args.worker_pool,
            concurrency=args.worker_concurrency,
            processes=args.worker_processes,
        )
        base_url = env.start_web(workers=args.web_workers)
        client = SignUpClient(base_url, tag)

        # The first sign-ups load code and open connections in every process: not measured.
        warm_up = [client.send(-1 - number) for number in range(WARM_UP_REQUESTS)]
        wait_until(lambda: _lead_count() >= len(warm_up), args.timeout, "warm-up leads")

        logger.info("sending %s sign-ups/s for %s s", args.rate, args.seconds)
        with PeakMemory(env.services) as memory:
            sent = send_open_loop(client, rate=args.rate, seconds=args.seconds)
            accepted = [s for s in sent if s.request_id]
            logger.info("%s sent, %s accepted; waiting for their leads", len(sent), len(accepted))
            try:
                wait_until(
                    lambda: _lead_count() >= len(warm_up) + len(accepted),
                    args.timeout,
                    "leads",
                    interval=0.25,
                )
            except TimeoutError as exc:
                logger.warning("%s", exc)
        latencies = lead_latencies(accepted)
        job_runs = _job_runs()
        tasks = worker_tasks(env.services_named("worker"))

    sending_span = max(s.started_at for s in sent) - min(s.started_at for s in sent)
    commit_to_lead = distribution_ms(latencies.commit_to_lead)
    results = {
        "sent": len(sent),
        "accepted": len(accepted),
        "errors": len(sent) - len(accepted),
        "error_samples": sorted({f"{s.status}: {s.error}" for s in sent if not s.request_id})[:5],
        "leads_missing": latencies.missing,
        "achieved_rate_per_s": round((len(sent) - 1) / sending_span, 2) if sending_span else None,
        "max_send_lateness_ms": round(max(s.late_by for s in sent) * 1000, 1),
        "commit_to_lead": commit_to_lead,
        "answer_to_lead": distribution_ms(latencies.answer_to_lead),
        "hops": {hop: distribution_ms(values) for hop, values in latencies.hops.items()},
        "hop_waits_before_run_start": {
            hop: distribution_ms(values) for hop, values in latencies.waits.items()
        },
        "http_post": distribution_ms(s.answered_at - s.started_at for s in sent),
        "job_runs": job_runs,
        "worker_tasks": tasks,
        "memory": memory.result(),
    }
    emit(
        "latency",
        vars(args),
        results,
        {
            "commit_to_lead_p95_ms": target_check(commit_to_lead["p95_ms"], 250, unit=" ms"),
            "nothing_lost": target_check(latencies.missing + results["errors"], 0),
        },
    )


if __name__ == "__main__":
    main()
