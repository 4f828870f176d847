"""Commerce HQ API (SPEC §10): jobs, their runs and running one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.channel.models import OnboardingRequest
from commerce.models import ChannelRequest, JobRun
from tests.api.commerce.support import API
from tests.factories import OnboardingRequestFactory

pytestmark = pytest.mark.django_db(databases="__all__")


# --- jobs -------------------------------------------------------------------------------------


def test_jobs_list_every_job_with_its_latest_runs(back_office_client):
    start = timezone.now()
    for minutes in range(7):
        run = JobRun.objects.create(job="P-0001", rows=minutes)
        JobRun.objects.filter(pk=run.pk).update(started_at=start + timedelta(minutes=minutes))

    response = back_office_client.get(f"{API}/jobs/")

    jobs = {job["slug"]: job for job in response.json()}
    assert {"p-0001", "sync-channel-requests"} <= set(jobs)
    assert jobs["p-0001"]["code"] == "P-0001"
    assert [run["rows"] for run in jobs["p-0001"]["latest_runs"]] == [6, 5, 4, 3, 2]
    assert jobs["sync-channel-requests"]["latest_runs"] == []


def test_running_a_job_queues_it_and_records_the_run(back_office_client):
    request = OnboardingRequestFactory(company_name="Žluťoučký kůň s.r.o.")

    response = back_office_client.post(f"{API}/jobs/p-0001/run/")

    assert response.status_code == 202
    assert response.json() == {"job": "P-0001", "queued": True}
    run = JobRun.objects.get()
    assert (run.job, run.trigger, run.outcome, run.rows) == ("P-0001", "api", "succeeded", 1)
    staged = ChannelRequest.objects.get(request_id=request.request_id)
    assert staged.payload["company_name"] == "Žluťoučký kůň s.r.o."
    request.refresh_from_db()
    assert request.status == OnboardingRequest.Status.UPLOADED
    runs = back_office_client.get(f"{API}/job-runs/", {"job": "p-0001"})
    assert [row["id"] for row in runs.json()["results"]] == [run.pk]


def test_running_a_job_while_the_task_queue_is_down_says_so(back_office_client, monkeypatch):
    from kombu.exceptions import OperationalError

    from commerce.tasks import job_run

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(job_run, "apply_async", refuse)

    response = back_office_client.post(f"{API}/jobs/p-0001/run/")

    assert response.status_code == 503
    assert response.json()["code"] == "queue_unavailable"
    assert "task queue cannot be reached" in response.json()["detail"]
    assert not JobRun.objects.exists()


def test_running_an_unknown_job_is_a_json_404(back_office_client):
    response = back_office_client.post(f"{API}/jobs/no-such-job/run/")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_job"
    assert not JobRun.objects.exists()
