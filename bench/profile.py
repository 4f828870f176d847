"""Where the time goes: pyinstrument profiles of what the benchmarks measure, in this process.

    python -m bench.profile pipeline --requests 2000 [--timed-only]
    python -m bench.profile pages --rows 100000

`pipeline` inserts N requests and runs each stage by hand, one after the other (P-0001, the
sync job, the dual-write relay), each under the profiler; tasks the stages kick wait unrun in
the benchmark's broker. `pages` renders the sign-up page (GET and a valid POST) and the console
lists with the test client. Text reports go to stderr and, with HTML ones, to
var/bench/profiles/.
"""

import argparse
import sys
import uuid

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer

from .data import signup_form
from .env import LOG_DIR, BenchEnvironment, logger, logging_setup
from .measure import Timer

OUT = LOG_DIR / "profiles"


def _timed(action) -> float:
    timer = Timer()
    action()
    return timer.seconds


def _profiled(name: str, action) -> float:
    profiler = Profiler(interval=0.0005)
    timer = Timer()
    with profiler:
        action()
    seconds = timer.seconds
    OUT.mkdir(parents=True, exist_ok=True)
    text = profiler.output_text(unicode=True, show_all=False)
    # Self time per function, library code included: what the call tree above hides.
    flat = profiler.output(ConsoleRenderer(unicode=True, flat=True, show_all=True))
    (OUT / f"{name}.txt").write_text(text, encoding="utf-8")
    (OUT / f"{name}-flat.txt").write_text(flat, encoding="utf-8")
    (OUT / f"{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    sys.stderr.write(f"\n=== {name}: {seconds:.2f} s ===\n{text}\n")
    return seconds


def pipeline(count: int, *, timed_only: bool = False) -> None:
    from commerce.jobs import job_execute
    from dualwrite.relay import outbox_relay

    from .pipeline import requests_insert

    requests_insert(count, uuid.uuid4().hex[:8])

    def relay_all() -> None:
        while outbox_relay(source="commerce")["more"]:
            pass

    stages = {
        "pipeline-p0001": lambda: job_execute(code="P-0001", trigger="profile"),
        "pipeline-sync": lambda: job_execute(code="sync-channel-requests", trigger="profile"),
        "pipeline-relay": relay_all,
    }
    for name, action in stages.items():
        seconds = _timed(action) if timed_only else _profiled(name, action)
        logger.info("%s: %s rows in %.2f s = %.0f rows/s", name, count, seconds, count / seconds)


def pages(rows: int) -> None:
    from django.test import Client

    from .views import PAGES, rows_fill, statistics_refresh, users_create
    from .web import CSRF_INPUT, SIGNUP_PATH

    users = users_create()
    rows_fill(rows, "profile")
    statistics_refresh()
    logger.info("%s prospects and leads", rows)
    visitor = Client()
    visitor.get(SIGNUP_PATH)
    _profiled("page-signup-get", lambda: [visitor.get(SIGNUP_PATH) for _ in range(20)])
    token = CSRF_INPUT.search(visitor.get(SIGNUP_PATH).content.decode())
    assert token is not None

    def post_signups() -> None:
        for number in range(20):
            form = signup_form(number, "profile-signup", token.group(1))
            response = visitor.post(SIGNUP_PATH, form)
            assert response.status_code == 302, response.status_code

    _profiled("page-signup-post", post_signups)
    for name, (path, username) in PAGES.items():
        client = Client()
        client.force_login(users[username])
        client.get(path)
        _profiled(f"page-{name}", lambda c=client, p=path: [c.get(p) for _ in range(10)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="what", required=True)
    pipeline_parser = commands.add_parser("pipeline")
    pipeline_parser.add_argument("--requests", type=int, default=2000)
    # The profiler's own cost grows with the number of calls: the stages' plain seconds.
    pipeline_parser.add_argument("--timed-only", action="store_true", help="time, do not profile")
    commands.add_parser("pages").add_argument("--rows", type=int, default=100000)
    args = parser.parse_args(argv)
    logging_setup()
    with BenchEnvironment() as env:
        env.prepare()
        env.activate()
        if args.what == "pipeline":
            pipeline(args.requests, timed_only=args.timed_only)
        else:
            pages(args.rows)


if __name__ == "__main__":
    main()
