"""P-0001 run twice at once shares the work and stages every request exactly once (SPEC §6)."""

import threading

import pytest
from django.db import connections

from commerce.channel.models import OnboardingRequest
from commerce.jobs import job_execute
from commerce.models import ChannelRequest, JobRun
from tests.factories import OnboardingRequestFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

REQUESTS = 300
RUNNERS = 2


def test_concurrent_uploads_stage_each_request_once():
    OnboardingRequest.objects.using("channel").bulk_create(
        OnboardingRequestFactory.build_batch(REQUESTS)
    )
    start = threading.Barrier(RUNNERS)
    runs: list[JobRun] = []
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            start.wait()
            # Small batches, so that the two runs interleave many times.
            runs.append(job_execute(code="P-0001", trigger="hand", batch_size=10))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(RUNNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len(runs) == RUNNERS
    assert all(run.outcome == JobRun.Outcome.SUCCEEDED for run in runs)
    # Both runs took batches (SKIP LOCKED shares the work), and together did it exactly once.
    assert all(run.rows > 0 for run in runs), [run.rows for run in runs]
    assert sum(run.rows for run in runs) == REQUESTS
    assert ChannelRequest.objects.using("commerce").count() == REQUESTS
    staged_ids = set(ChannelRequest.objects.using("commerce").values_list("request_id", flat=True))
    request_ids = set(
        OnboardingRequest.objects.using("channel").values_list("request_id", flat=True)
    )
    assert staged_ids == request_ids
    assert (
        not OnboardingRequest.objects.using("channel")
        .exclude(status=OnboardingRequest.Status.UPLOADED)
        .exists()
    )
    assert not OnboardingRequest.objects.using("channel").filter(uploaded_at=None).exists()
