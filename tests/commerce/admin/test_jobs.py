"""HQ's job runs with "Run now", and the staged channel requests (commerce/admin/jobs.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.jobs import JOBS
from commerce.models import ChannelRequest, JobRun
from tests.factories import ChannelRequestFactory, JobRunFactory

from .support import hq_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_run_now_starts_the_job_and_records_a_run(back_office):
    JobRunFactory(job="Synchronize orders and channel requests")
    changelist = back_office.get("/hq/commerce/jobrun/").content.decode()

    response = back_office.post(hq_url("commerce_jobrun_run", "p-0001"), follow=True)

    assert hq_url("commerce_jobrun_run", "p-0001") in changelist
    run = JobRun.objects.using("commerce").get(job="P-0001")
    assert (run.trigger, run.outcome) == ("hand", JobRun.Outcome.SUCCEEDED)
    assert "P-0001 Upload channel requests" in response.content.decode()
    assert "is started" in response.content.decode()


def test_run_now_while_the_task_queue_is_down_says_so(back_office, monkeypatch):
    from kombu.exceptions import OperationalError

    from commerce.tasks import job_run

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(job_run, "apply_async", refuse)

    response = back_office.post(hq_url("commerce_jobrun_run", "p-0001"), follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "task queue cannot be reached" in page and "is started" not in page
    assert not JobRun.objects.using("commerce").exists()


def test_job_runs_filter_by_outcome(back_office):
    JobRunFactory(job="P-0001", message="all good")
    JobRunFactory(job="P-0001", outcome=JobRun.Outcome.FAILED, message="OperationalError: boom")

    page = back_office.get("/hq/commerce/jobrun/", {"outcome__exact": "failed"}).content.decode()

    assert "OperationalError: boom" in page
    assert "all good" not in page


def test_retry_puts_a_failed_staged_request_back_to_new(back_office):
    failed = ChannelRequestFactory(state=ChannelRequest.State.FAILED, error="city: required")
    processed = ChannelRequestFactory(state=ChannelRequest.State.PROCESSED)

    response = back_office.post(
        "/hq/commerce/channelrequest/",
        {"action": "retry", "_selected_action": [failed.pk, processed.pk]},
        follow=True,
    )

    states = dict(ChannelRequest.objects.using("commerce").values_list("pk", "state"))
    assert states == {failed.pk: "new", processed.pk: "processed"}
    page = response.content.decode()
    assert "1 staged requests went back to the sync job" in page
    assert "1 selected requests had not failed" in page


def test_staged_requests_filter_by_state(back_office):
    failed = ChannelRequestFactory(state=ChannelRequest.State.FAILED)
    new = ChannelRequestFactory()

    page = back_office.get("/hq/commerce/channelrequest/", {"state__exact": "failed"})

    assert failed.email in page.content.decode()
    assert new.email not in page.content.decode()


def test_scheduled_runs_that_found_no_work_are_hidden_by_default(back_office):
    JobRunFactory(trigger="schedule", rows=0, errors=0, message="idle safety net")
    JobRunFactory(trigger="schedule", rows=4, message="scheduled with rows")
    JobRunFactory(trigger="hand", rows=0, message="asked by hand")
    JobRunFactory(trigger="schedule", rows=0, errors=1, message="found a bad row")

    default = back_office.get("/hq/commerce/jobrun/").content.decode()
    shown = back_office.get("/hq/commerce/jobrun/", {"no_work": "shown"}).content.decode()

    assert "idle safety net" not in default
    for kept in ("scheduled with rows", "asked by hand", "found a bad row"):
        assert kept in default and kept in shown
    assert "idle safety net" in shown
    # The filter offers both, "hidden" chosen until "shown" is.
    assert "runs that found no work" in default
    assert 'class="selected"><a href="?">hidden' in default.replace("\n", "").replace("  ", "")


def test_job_run_list_shows_start_with_seconds_duration_rows_and_errors(back_office):
    run = JobRunFactory(rows=1234, errors=2, outcome=JobRun.Outcome.PARTIAL)
    JobRun.objects.using("commerce").filter(pk=run.pk).update(
        started_at=run.finished_at - timedelta(seconds=2.5)
    )
    started = timezone.localtime(run.finished_at - timedelta(seconds=2.5))

    page = back_office.get("/hq/commerce/jobrun/").content.decode()

    assert f"{started:%H:%M:%S}" in page
    assert "2.5 s" in page
    assert "1,234" in page and ">2<" in page
    assert "Succeeded with row errors" in page


def test_run_now_buttons_sit_in_their_own_row_under_the_title(back_office):
    page = back_office.get("/hq/commerce/jobrun/").content.decode()

    title = page.index("<h1>")
    buttons = page.index('id="run-now"')
    assert title < buttons < page.index('id="changelist"')
    assert 'class="object-tools"' not in page[buttons : page.index('id="changelist"')]
    assert page.count("Run now: ") == len(JOBS)
