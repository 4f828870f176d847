"""HQ's job runs with "Run now", and the staged channel requests (commerce/admin/jobs.py)."""

import pytest

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
