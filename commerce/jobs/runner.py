"""Running a job: every run recorded as a JobRun, with its rows, errors and outcome."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from commerce.models import JobRun

from .registry import job_lookup

logger = logging.getLogger(__name__)

DB = "commerce"


def run_alive(run: JobRun) -> None:
    """A run's sign of life, given once per batch: written when the last one (or the start) is
    a tenth of JOB_RUN_STALE_SECONDS old, as a kicked run of a few rows should cost no writes."""
    now = timezone.now()
    last = run.last_seen_at or run.started_at
    if last is not None and now - last < timedelta(seconds=settings.JOB_RUN_STALE_SECONDS / 10):
        return
    JobRun.objects.using(DB).filter(pk=run.pk).update(last_seen_at=now)
    run.last_seen_at = now


def job_runs_interrupted_close(*, code: str) -> int:
    """Mark the runs of this job whose process died as interrupted; return how many.

    A worker killed mid-run (SIGKILL, a machine restart) leaves its run "running" for ever.
    A run gives a sign of life every batch, so one silent for JOB_RUN_STALE_SECONDS has no
    process left; the rows it did not finish are still due, and later runs pick them up.
    """
    now = timezone.now()
    silent_since = now - timedelta(seconds=settings.JOB_RUN_STALE_SECONDS)
    stale = (
        JobRun.objects.using(DB)
        .filter(job=code, outcome=JobRun.Outcome.RUNNING)
        .filter(
            Q(last_seen_at__lt=silent_since)
            | Q(last_seen_at__isnull=True, started_at__lt=silent_since)
        )
    )
    closed = stale.update(
        outcome=JobRun.Outcome.INTERRUPTED,
        finished_at=now,
        message=(
            f"No sign of life for more than {settings.JOB_RUN_STALE_SECONDS} s: the process "
            "running it stopped (killed or restarted). Rows it did not finish were left for "
            "the next runs."
        ),
    )
    if closed:
        logger.warning("Job %s: %d run(s) without a sign of life marked interrupted.", code, closed)
    return closed


def job_execute(*, code: str, trigger: str = "hand", batch_size: int | None = None) -> JobRun:
    """Run one job now and record the run (start, end, rows, errors, outcome).

    `code` may also be the job's slug or name, as on the command line.
    """
    job = job_lookup(code)
    run_job: Callable[[JobRun, int], tuple[int, int]] = import_string(job.run_path)
    job_runs_interrupted_close(code=job.code)
    run = JobRun.objects.using(DB).create(job=job.code, trigger=trigger)
    try:
        rows, errors = run_job(run, batch_size or settings.JOB_BATCH_SIZE)
    except Exception as exc:
        run.outcome = JobRun.Outcome.FAILED
        run.message = f"{type(exc).__name__}: {exc}"[:4000]
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "message", "finished_at"])
        raise
    run.rows, run.errors = rows, errors
    run.outcome = JobRun.Outcome.PARTIAL if errors else JobRun.Outcome.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["rows", "errors", "outcome", "finished_at"])
    return run
