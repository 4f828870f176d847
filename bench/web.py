"""Sign-up page GET and POST through gunicorn, against bare views on the same server (issue 6).

    python -m bench.web --seconds 15 --concurrency 4

gunicorn serves bench.wsgi: the product's application plus two baselines, /bench/bare/ (a
Django view that returns "ok" through every middleware) and /bench/wsgi/ (answered before
Django). Each scenario runs for --seconds with --concurrency client processes, each sending one
request after the other on a new connection (gunicorn's sync workers close every connection).
A POST client GETs the form once for its CSRF cookie and token, then posts valid sign-ups
(honeypot empty), each with an email of its own; success is the redirect to the confirmation.
"""

import argparse
import http.client
import re
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from .data import signup_form
from .env import BenchEnvironment, logger, logging_setup
from .measure import PeakMemory, distribution_ms, emit
from .measure import target as target_check

SIGNUP_PATH = "/partner/sign-up/"
SCENARIOS = {
    # name: (method, path, expected status)
    "bare_wsgi": ("GET", "/bench/wsgi/", 200),
    "bare_view": ("GET", "/bench/bare/", 200),
    "signup_get": ("GET", SIGNUP_PATH, 200),
    "signup_post": ("POST", SIGNUP_PATH, 302),
}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WARM_UP_SECONDS = 1.0
START_DELAY = 0.5  # lets every client process start before the clock runs


@dataclass
class ClientResult:
    ok_seconds: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)


def _request(host: str, port: int, method: str, path: str, body: bytes, headers: dict):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return response.status, response.getheader("Location", ""), response, content
    finally:
        connection.close()


def _csrf(host: str, port: int) -> tuple[str, str]:
    """The csrftoken cookie and the form's token, as a browser gets them."""
    _, _, response, content = _request(host, port, "GET", SIGNUP_PATH, b"", {})
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    token = CSRF_INPUT.search(content.decode())
    if "csrftoken" not in cookie or token is None:
        raise RuntimeError("the sign-up page gave no CSRF cookie or token")
    return cookie["csrftoken"].value, token.group(1)


def run_client(job: tuple) -> ClientResult:
    """One client process: requests back to back from start_at to stop_at (wall clock)."""
    scenario, base_url, client_number, tag, start_at, stop_at = job
    method, path, expected = SCENARIOS[scenario]
    address = urlsplit(base_url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    headers: dict[str, str] = {}
    csrf_token = ""
    if method == "POST":
        cookie, csrf_token = _csrf(host, port)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": base_url + SIGNUP_PATH,
        }
    result = ClientResult()
    time.sleep(max(0.0, start_at - time.time()))
    number = 0
    while time.time() < stop_at:
        body = b""
        if method == "POST":
            number += 1
            form = signup_form(client_number * 1_000_000 + number, tag, csrf_token)
            body = urlencode(form).encode()
        started = time.perf_counter()
        try:
            status, location, _, _ = _request(host, port, method, path, body, headers)
        except OSError as exc:
            result.statuses[type(exc).__name__] += 1
            continue
        elapsed = time.perf_counter() - started
        if status == expected and (method != "POST" or "/sign-up/done/" in location):
            result.ok_seconds.append(elapsed)
        result.statuses[str(status)] += 1
    return result


def run_scenario(scenario: str, base_url: str, *, seconds: float, concurrency: int, tag: str):
    start_at = time.time() + START_DELAY
    stop_at = start_at + seconds
    jobs = [(scenario, base_url, n, tag, start_at, stop_at) for n in range(concurrency)]
    with ProcessPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(run_client, jobs))
    ok = [value for result in results for value in result.ok_seconds]
    statuses = sum((result.statuses for result in results), Counter())
    return {
        "requests": sum(statuses.values()),
        "ok": len(ok),
        "errors": sum(statuses.values()) - len(ok),
        "statuses": dict(statuses),
        "requests_per_s": round(len(ok) / seconds, 1),
        "latency": distribution_ms(ok),
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="per scenario")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--worker-pool", default="prefork")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    logging_setup()
    tag = uuid.uuid4().hex[:8]

    with BenchEnvironment() as env:
        env.prepare()
        worker = env.start_worker(pool=args.worker_pool, concurrency=args.worker_concurrency)
        base_url = env.start_web(app="bench.wsgi:application", workers=args.web_workers)
        scenarios, posted = {}, 0
        with PeakMemory(env.services) as memory:
            for scenario in SCENARIOS:
                warm_up = run_scenario(
                    scenario,
                    base_url,
                    seconds=WARM_UP_SECONDS,
                    concurrency=args.concurrency,
                    tag=f"{tag}w",
                )
                logger.info("%s: %s s with %s clients", scenario, args.seconds, args.concurrency)
                scenarios[scenario] = run_scenario(
                    scenario,
                    base_url,
                    seconds=args.seconds,
                    concurrency=args.concurrency,
                    tag=tag,
                )
                if scenario == "signup_post":
                    posted = warm_up["ok"] + scenarios[scenario]["ok"]
            # The web's own share: the same POSTs while no worker runs the flow they set off
            # (each accepted sign-up otherwise becomes a staged request, prospect, lead and email
            # on the same two cores). Shown beside the target, not instead of it.
            worker.stop()
            logger.info("signup_post, worker stopped: %s s", args.seconds)
            alone = scenarios["signup_post_worker_stopped"] = run_scenario(
                "signup_post",
                base_url,
                seconds=args.seconds,
                concurrency=args.concurrency,
                tag=f"{tag}s",
            )
            posted += alone["ok"]
        env.activate()  # only now: the client processes above are forked from this one
        from commerce.channel.models import OnboardingRequest

        stored = OnboardingRequest.objects.using("channel").count()

    rate = {name: scenario["requests_per_s"] for name, scenario in scenarios.items()}
    results = {
        "scenarios": scenarios,
        "signup_post_vs_bare_view": _ratio(rate["signup_post"], rate["bare_view"]),
        "signup_get_vs_bare_view": _ratio(rate["signup_get"], rate["bare_view"]),
        "signup_post_worker_stopped_vs_bare_view": _ratio(
            rate["signup_post_worker_stopped"], rate["bare_view"]
        ),
        "signup_post_vs_bare_wsgi": _ratio(rate["signup_post"], rate["bare_wsgi"]),
        "bare_view_vs_bare_wsgi": _ratio(rate["bare_view"], rate["bare_wsgi"]),
        "signups_posted": posted,
        "signups_stored": stored,
        "memory": memory.result(),
    }
    emit(
        "web",
        vars(args),
        results,
        {
            "signup_post_vs_bare_view": target_check(
                results["signup_post_vs_bare_view"], 0.5, at_most=False
            ),
            "every_accepted_signup_stored": target_check(posted - stored, 0),
        },
    )


if __name__ == "__main__":
    main()
