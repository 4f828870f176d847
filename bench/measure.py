"""What a benchmark measures and how it reports: peak memory, task and request times, targets,
the machine, and the one JSON object on stdout.
"""

import json
import math
import os
import platform
import re
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .env import Service


@dataclass
class _Peak:
    total: int = 0
    largest: int = 0
    processes: int = 0
    # Proportional set size: pages the processes share (a prefork pool shares what the parent
    # loaded before forking) count once in the sum, where the RSS sum counts them per process.
    total_pss: int = 0


class PeakMemory:
    """Samples the resident memory of services (each with its children) in a thread.

    Services of one name (several worker processes, say) are measured together, as one sum.
    """

    def __init__(self, services: Iterable[Service], interval: float = 0.2) -> None:
        self.groups: dict[str, list[Service]] = {}
        for service in services:
            self.groups.setdefault(service.name, []).append(service)
        self.interval = interval
        self.peaks = {name: _Peak() for name in self.groups}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, name: str, services: list[Service]) -> None:
        processes = []
        for service in services:
            try:
                root = psutil.Process(service.process.pid)
                processes += [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        sizes, shares = [], []
        for process in processes:
            try:
                memory = process.memory_full_info()
            except psutil.NoSuchProcess:
                continue
            sizes.append(memory.rss)
            shares.append(memory.pss)
        peak = self.peaks[name]
        peak.total = max(peak.total, sum(sizes))
        peak.total_pss = max(peak.total_pss, sum(shares))
        peak.largest = max(peak.largest, max(sizes, default=0))
        peak.processes = max(peak.processes, len(sizes))

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, services in self.groups.items():
                self._sample(name, services)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def result(self) -> dict:
        mb = 1024 * 1024
        return {
            name: {
                "peak_rss_mb": round(peak.total / mb, 1),
                "peak_pss_mb": round(peak.total_pss / mb, 1),
                "peak_process_rss_mb": round(peak.largest / mb, 1),
                "processes": peak.processes,
            }
            for name, peak in self.peaks.items()
        }


TASK_SUCCEEDED = re.compile(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([\d.]+)s")


def worker_tasks(workers: list[Service]) -> dict:
    """Tasks the workers finished, by name: how many, and their run time (from their logs)."""
    seconds: dict[str, list[float]] = {}
    for worker in workers:
        for name, took in TASK_SUCCEEDED.findall(worker.log()):
            seconds.setdefault(name, []).append(float(took))
    return {
        name: {"count": len(values), "busy_s": round(sum(values), 2), **distribution_ms(values)}
        for name, values in sorted(seconds.items())
    }


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


def distribution_ms(seconds: Iterable[float]) -> dict:
    ordered = sorted(value * 1000 for value in seconds)
    if not ordered:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "count": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 1),
        "p95_ms": round(percentile(ordered, 95), 1),
        "p99_ms": round(percentile(ordered, 99), 1),
        "max_ms": round(ordered[-1], 1),
    }


def target(value: float | None, limit: float, *, at_most: bool = True, unit: str = "") -> dict:
    """A target of issue 6 and whether the measured value meets it."""
    met = value is not None and (value <= limit if at_most else value >= limit)
    sign = "<=" if at_most else ">="
    return {"value": value, "target": f"{sign} {limit}{unit}", "met": met}


@dataclass
class Timer:
    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


def machine() -> dict:
    cpu_model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu_model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "cpu": cpu_model,
        "python": platform.python_version(),
        "os": platform.platform(),
        # Other work on the machine slows every figure down: check this before comparing runs.
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def emit(benchmark: str, params: dict, results: dict, targets: dict) -> None:
    """Print the benchmark's one JSON object on stdout."""
    body = {
        "benchmark": benchmark,
        "machine": machine(),
        "params": params,
        "results": results,
        "targets": targets,
    }
    sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
