"""Run every benchmark, full size (`make bench`) or small (`make bench-smoke`).

    python -m bench.suite full|smoke

Each benchmark runs in a process of its own; its JSON is saved as var/bench/<size>/<name>.json,
a line per target goes to stderr, and one JSON object with all of them goes to stdout.
"""

import argparse
import json
import os
import subprocess
import sys

from .env import BASE_DIR, LOG_DIR

RUNS = {
    "full": {
        "latency": ["--rate", "20", "--seconds", "30"],
        "pipeline": ["--requests", "10000"],
        "web": ["--seconds", "15", "--concurrency", "4"],
        "views": ["--rows", "100000"],
    },
    "smoke": {
        "latency": ["--rate", "5", "--seconds", "5"],
        "pipeline": ["--requests", "200"],
        "web": ["--seconds", "2", "--concurrency", "2"],
        "views": ["--rows", "2000", "--renders", "3"],
    },
}


def benchmark_run(name: str, args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run `python -m bench.<name> ARGS` and return the JSON object it printed."""
    finished = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", *args],
        cwd=BASE_DIR,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(finished.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(RUNS))
    parser.add_argument("only", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    out = LOG_DIR / args.size
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, bench_args in RUNS[args.size].items():
        if args.only and name not in args.only:
            continue
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
