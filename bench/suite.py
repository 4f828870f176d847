"""Run every benchmark, full size (`make bench`) or small (`make bench-smoke`).

    python -m bench.suite full|smoke

Each benchmark runs in a process of its own; its JSON is saved as var/bench/<size>/<name>.json,
a line per target goes to stderr, and one JSON object with all of them goes to stdout.
`pipeline_threads` is the pipeline with the worker as two single-process workers of the threads
pool instead of one prefork worker: the other way to run the workers on two cores.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import psycopg

from .env import BASE_DIR, LOG_DIR

THREADS_WORKERS = [
    "--worker-pool",
    "threads",
    "--worker-concurrency",
    "2",
    "--worker-processes",
    "2",
]
RUNS = {
    "full": {
        "latency": ["--rate", "20", "--seconds", "30"],
        "pipeline": ["--requests", "10000"],
        "pipeline_threads": ["--requests", "10000", *THREADS_WORKERS],
        "web": ["--seconds", "15", "--concurrency", "4"],
        "views": ["--rows", "100000"],
        "orders": [
            *("--organizations", "8", "--users", "40"),
            *("--rate", "20", "--seconds", "30", "--bulk", "5000"),
        ],
        "initial_sync": ["--customers", "100000"],
    },
    "smoke": {
        "latency": ["--rate", "5", "--seconds", "5"],
        "pipeline": ["--requests", "200"],
        "pipeline_threads": ["--requests", "200", *THREADS_WORKERS],
        "web": ["--seconds", "2", "--concurrency", "2"],
        "views": ["--rows", "2000", "--renders", "3"],
        "orders": [
            *("--organizations", "2", "--users", "6"),
            *("--rate", "5", "--seconds", "3", "--bulk", "200"),
        ],
        "initial_sync": ["--customers", "500"],
    },
}


def benchmark_module(name: str) -> str:
    """The benchmark a run uses: `pipeline_threads` is a run of `pipeline`."""
    return "pipeline" if name == "pipeline_threads" else name


def benchmark_run(name: str, args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run `python -m bench.<benchmark> ARGS` and return the JSON object it printed."""
    finished = subprocess.run(
        [sys.executable, "-m", f"bench.{benchmark_module(name)}", *args],
        cwd=BASE_DIR,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(finished.stdout)


# Between two full-size benchmarks PostgreSQL checkpoints and vacuums the last one's writes in
# the background, on the same two cores: the pipeline ran 1,272/s right after the latency
# benchmark in one `make bench`, 1,652-1,780/s started on a quiet server.
SETTLE_SECONDS = {"full": 20.0, "smoke": 0.0}


def settle(seconds: float) -> None:
    """Checkpoint now and wait, so the next benchmark starts on a quiet server."""
    if not seconds:
        return
    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute("CHECKPOINT")
    time.sleep(seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(RUNS))
    parser.add_argument("only", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    out = LOG_DIR / args.size
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for name, bench_args in RUNS[args.size].items():
        if args.only and name not in args.only:
            continue
        if results:
            settle(SETTLE_SECONDS[args.size])
        result = results[name] = benchmark_run(name, bench_args)
        (out / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        for target_name, target in result["targets"].items():
            verdict = "met" if target["met"] else "MISSED"
            print(
                f"{name}: {target_name} = {target['value']} "
                f"(target {target.get('target', 'true')}): {verdict}",
                file=sys.stderr,
            )
    sys.stdout.write(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
