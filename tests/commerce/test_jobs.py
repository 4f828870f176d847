"""Jobs P-0001 and "Synchronize orders and channel requests" (SPEC §6)."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from commerce.channel.models import OnboardingRequest
from commerce.jobs import job_execute, job_lookup, upload
from commerce.jobs.runner import run_alive
from commerce.models import ChannelRequest, EmailNotification, JobRun, Prospect, TransitionLog
from commerce.services import channel_request_retry
from core.errors import NotFound
from tests.factories import OnboardingRequestFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def _run_both():
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")


def test_requests_become_prospects_with_every_field_byte_for_byte():
    request = OnboardingRequestFactory(
        company_name="Žluťoučký kůň úpěl ďábelské ódy s.r.o.", city="Łódź", first_name="Jiří"
    )

    _run_both()

    prospect = Prospect.objects.get(request_id=request.request_id)
    assert prospect.company_name == "Žluťoučký kůň úpěl ďábelské ódy s.r.o."
    assert prospect.city == "Łódź"
    assert prospect.first_name == "Jiří"
    assert prospect.status == Prospect.Status.NEW
    assert prospect.prospect_type == "B2B prospect"
    assert prospect.prospect_number.startswith("PR-")
    request.refresh_from_db()
    assert request.status == OnboardingRequest.Status.UPLOADED
    assert request.uploaded_at is not None


def test_running_the_jobs_twice_creates_one_prospect_and_one_receipt():
    request = OnboardingRequestFactory()
    _run_both()
    _run_both()
    assert Prospect.objects.filter(request_id=request.request_id).count() == 1
    assert ChannelRequest.objects.count() == 1
    assert (
        EmailNotification.objects.filter(
            type=EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED
        ).count()
        == 1
    )


def test_a_request_restaged_after_a_crash_is_staged_once():
    """A crash between HQ's commit and the channel's leaves the request `received`."""
    request = OnboardingRequestFactory()
    job_execute(code="P-0001")
    OnboardingRequest.objects.using("channel").filter(pk=request.pk).update(status="received")

    job_execute(code="P-0001")

    assert ChannelRequest.objects.filter(request_id=request.request_id).count() == 1


def test_jobs_work_in_batches_and_record_runs():
    OnboardingRequestFactory.create_batch(7)

    upload = job_execute(code="P-0001", batch_size=3)
    sync = job_execute(code="Synchronize orders and channel requests", batch_size=3)

    assert (upload.rows, upload.errors, upload.outcome) == (7, 0, JobRun.Outcome.SUCCEEDED)
    assert (sync.rows, sync.errors, sync.outcome) == (7, 0, JobRun.Outcome.SUCCEEDED)
    assert upload.finished_at >= upload.started_at
    assert Prospect.objects.count() == 7
    assert ChannelRequest.objects.filter(upload_run=upload).count() == 7


def test_a_bad_row_is_recorded_as_failed_and_the_batch_goes_on():
    good = OnboardingRequestFactory.create_batch(2)
    bad = OnboardingRequestFactory()
    job_execute(code="P-0001")
    staged = ChannelRequest.objects.get(request_id=bad.request_id)
    staged.payload = {**staged.payload, "country": "XX", "email": "not-an-email"}
    staged.save()

    run = job_execute(code="sync-channel-requests")

    assert (run.rows, run.errors, run.outcome) == (3, 1, JobRun.Outcome.PARTIAL)
    staged.refresh_from_db()
    assert staged.state == ChannelRequest.State.FAILED
    assert "country" in staged.error and "email" in staged.error
    assert set(Prospect.objects.values_list("request_id", flat=True)) == {
        request.request_id for request in good
    }
    # The good rows were created together after the batch fell back row by row: no gaps.
    assert sorted(Prospect.objects.values_list("prospect_number", flat=True)) == [
        "PR-000001",
        "PR-000002",
    ]
    logs = TransitionLog.objects.filter(model="commerce.channelrequest")
    assert sorted(logs.values_list("object_key", "target_state")) == sorted(
        [(str(r.request_id), "processed") for r in good] + [(str(bad.request_id), "failed")]
    )
    assert "country" in logs.get(target_state="failed").reason


def test_a_batch_costs_the_same_statements_whatever_its_size(django_assert_max_num_queries):
    """Prospects, their numbers, outbox rows and transition logs are written per batch."""
    OnboardingRequestFactory.create_batch(40)
    job_execute(code="P-0001")
    with django_assert_max_num_queries(30):
        run = job_execute(code="sync-channel-requests")
    assert run.rows == 40
    assert Prospect.objects.count() == 40
    assert TransitionLog.objects.filter(target_state="processed").count() == 40


def test_a_failed_row_can_be_retried_after_it_is_fixed(django_capture_on_commit_callbacks):
    request = OnboardingRequestFactory()
    job_execute(code="P-0001")
    staged = ChannelRequest.objects.get()
    good_payload = staged.payload
    staged.payload = {**good_payload, "country": "XX"}
    staged.save()
    job_execute(code="sync-channel-requests")

    ChannelRequest.objects.filter(pk=staged.pk).update(payload=good_payload)
    with django_capture_on_commit_callbacks(using="commerce", execute=True):
        channel_request_retry(request_id=str(request.request_id), actor="backoffice")

    staged.refresh_from_db()
    assert staged.state == ChannelRequest.State.PROCESSED
    assert Prospect.objects.filter(request_id=request.request_id).exists()


def test_job_lookup_accepts_code_slug_and_name():
    assert job_lookup("p-0001").code == "P-0001"
    assert job_lookup("sync-channel-requests").code == "Synchronize orders and channel requests"
    with pytest.raises(NotFound):
        job_lookup("nope")


def test_run_job_command_runs_by_hand(capsys):
    OnboardingRequestFactory()
    call_command("run_job", "P-0001")
    assert JobRun.objects.get(job="P-0001").trigger == "hand"
    with pytest.raises(CommandError):
        call_command("run_job", "no-such-job")


def _running_run(code: str, *, silent_for: int | None, started_ago: int = 3600) -> JobRun:
    """A run left "running", as by a worker killed in the middle of it."""
    now = timezone.now()
    run = JobRun.objects.create(job=code, trigger="schedule")
    JobRun.objects.filter(pk=run.pk).update(
        started_at=now - datetime.timedelta(seconds=started_ago),
        last_seen_at=None if silent_for is None else now - datetime.timedelta(seconds=silent_for),
    )
    return run


def test_a_run_whose_process_died_is_marked_interrupted_by_the_next_run(settings, caplog):
    settings.JOB_RUN_STALE_SECONDS = 600
    killed = _running_run("P-0001", silent_for=601)
    never_started_a_batch = _running_run("P-0001", silent_for=None)
    long_but_alive = _running_run("P-0001", silent_for=30)
    other_job = _running_run("1010", silent_for=3600)
    OnboardingRequestFactory.create_batch(2)

    run = job_execute(code="P-0001")

    assert run.outcome == JobRun.Outcome.SUCCEEDED and run.rows == 2
    for interrupted in (killed, never_started_a_batch):
        interrupted.refresh_from_db()
        assert interrupted.outcome == JobRun.Outcome.INTERRUPTED
        assert interrupted.finished_at is not None
        assert "No sign of life for more than 600 s" in interrupted.message
    for untouched in (long_but_alive, other_job):
        untouched.refresh_from_db()
        assert (untouched.outcome, untouched.finished_at) == (JobRun.Outcome.RUNNING, None)
    assert "Job P-0001: 2 run(s) without a sign of life marked interrupted." in caplog.text


def test_a_run_gives_a_sign_of_life_every_batch(monkeypatch, settings):
    settings.JOB_RUN_STALE_SECONDS = 0  # every sign of life is written
    OnboardingRequestFactory.create_batch(3)
    seen = []
    real_alive = upload.run_alive
    monkeypatch.setattr(upload, "run_alive", lambda run: seen.append(run.pk) or real_alive(run))

    run = job_execute(code="P-0001", batch_size=1)

    # Three batches of onboarding requests; the kinds with nothing due start none.
    assert len(seen) == 3 and set(seen) == {run.pk}
    run.refresh_from_db()
    assert run.last_seen_at is not None and run.last_seen_at >= run.started_at


def test_a_sign_of_life_is_written_only_once_the_last_one_is_a_tenth_of_the_stale_time_old(
    settings,
):
    settings.JOB_RUN_STALE_SECONDS = 600
    run = JobRun.objects.create(job="P-0001")

    run_alive(run)
    assert JobRun.objects.get(pk=run.pk).last_seen_at is None  # it has just started

    run.started_at -= datetime.timedelta(seconds=61)
    run_alive(run)
    assert JobRun.objects.get(pk=run.pk).last_seen_at == run.last_seen_at is not None


def test_a_job_is_named_in_the_readers_language_with_its_code_kept():
    from django.utils import translation

    from commerce.jobs import job_label

    with translation.override("pl"):
        upload, synchronize = (
            job_label("P-0001"),
            job_label("Synchronize orders and channel requests"),
        )
    assert upload.startswith("P-0001 ") and upload != "P-0001 Upload channel requests"
    assert synchronize != "Synchronize orders and channel requests"
    assert job_label("retired job") == "retired job"
