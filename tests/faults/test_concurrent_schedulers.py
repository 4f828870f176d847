"""Fault: two workers and two beat schedulers run at once (SPEC §6 idempotent jobs, §7, §12).

A deployment mistake (a second beat) or a failover makes every scheduled task run twice, on two
workers, beside the kicks sent on commit. Row locks with SKIP LOCKED, unique business keys and the
inbox must keep every piece of work done once.
"""

from django.db.models import Sum
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from commerce.jobs import JOBS
from commerce.models import JobRun
from dualwrite.models import MapState, OutboxMessage

from .flow import (
    SCENARIO_MARKS,
    SIDES,
    Ledger,
    assert_nothing_lost_or_twice,
    leads_for,
    periodic_tasks_ensure,
    wait_settled,
)

pytestmark = SCENARIO_MARKS

SCHEDULE_SECONDS = 2


def _every_task_every(seconds: int) -> None:
    """Every celery-beat entry due every few seconds, so that both beats keep sending them."""
    periodic_tasks_ensure()
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=seconds, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.update(interval=interval, last_run_at=None)
    PeriodicTasks.update_changed()


def _rows_done(job_code: str) -> int:
    runs = JobRun.objects.filter(job=job_code, outcome=JobRun.Outcome.SUCCEEDED)
    return runs.aggregate(rows=Sum("rows"))["rows"] or 0


def test_two_workers_and_two_beats_do_everything_once(celery, mail_server):
    _every_task_every(SCHEDULE_SECONDS)
    env = {"JOB_SCHEDULE_SECONDS": str(SCHEDULE_SECONDS)}
    workers = [celery.worker(name, env=env) for name in ("worker-a", "worker-b")]
    beats = [celery.beat(name, env=env) for name in ("beat-a", "beat-b")]

    ledger = Ledger()
    ledger.decide_all(leads_for(ledger.sign_up_many("dvojce", 30)))
    wait_settled(ledger, mail_server)
    assert_nothing_lost_or_twice(ledger, mail_server)

    # Each request was uploaded once and turned into a prospect once, however many runs raced.
    upload, synchronize = (job.code for job in list(JOBS.values())[:2])
    assert _rows_done(upload) == _rows_done(synchronize) == len(ledger.accepted)
    assert JobRun.objects.filter(trigger="schedule").exists()
    assert not JobRun.objects.filter(outcome=JobRun.Outcome.FAILED).exists()
    # Each dual-write message was counted delivered once: no relay delivered one a second time.
    delivered = sum(
        OutboxMessage.objects.using(alias).filter(state=OutboxMessage.State.DELIVERED).count()
        for alias in SIDES
    )
    assert MapState.objects.aggregate(n=Sum("delivered_count"))["n"] == delivered
    # Both schedulers sent the scheduled tasks, and both workers ran tasks.
    for beat in beats:
        assert "Sending due task" in beat.log(), beat.log()[-2000:]
    for worker in workers:
        assert " succeeded in " in worker.log(), worker.log()[-2000:]
