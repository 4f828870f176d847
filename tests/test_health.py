"""/health/: databases, broker, the work waiting for the jobs, and the dual-write lag."""

import datetime

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from commerce.channel.models import OnboardingRequest
from commerce.models import ChannelRequest, EmailNotification
from tests.factories import (
    ChannelRequestFactory,
    EmailNotificationFactory,
    OnboardingRequestFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

_BACKOFF = datetime.timedelta(minutes=30)  # an email that failed and waits for its next try


def _ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def test_all_is_well_when_nothing_waits(client):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["databases"].values()) == {"ok"}
    assert body["broker"] == "ok"
    assert body["jobs"] == {"backlog_seconds": 0.0, "threshold_seconds": 300, "status": "ok"}
    # The tests' default: the Sales integration is off, so dual-write is off (not an error).
    assert (body["sales_integration"], body["dualwrite"]["status"]) == ("off", "off")


def test_a_sign_up_no_job_has_taken_for_too_long_makes_it_degraded(client, settings):
    settings.JOB_BACKLOG_ALERT_SECONDS = 300
    request = OnboardingRequestFactory()
    OnboardingRequest.objects.filter(pk=request.pk).update(created_at=_ago(120))
    assert client.get("/health/").json()["jobs"]["status"] == "ok"  # within the threshold

    OnboardingRequest.objects.filter(pk=request.pk).update(created_at=_ago(900))
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["jobs"]["status"] == "behind"
    assert 900 <= body["jobs"]["backlog_seconds"] < 960


def test_staged_requests_and_due_emails_count_but_emails_on_backoff_do_not(client):
    staged = ChannelRequestFactory()
    ChannelRequest.objects.filter(pk=staged.pk).update(staged_at=_ago(400))
    assert 400 <= client.get("/health/").json()["jobs"]["backlog_seconds"] < 460
    ChannelRequest.objects.filter(pk=staged.pk).update(state=ChannelRequest.State.PROCESSED)

    waiting = EmailNotificationFactory()
    EmailNotification.objects.filter(pk=waiting.pk).update(
        status=EmailNotification.Status.QUEUED, next_attempt_at=timezone.now() + _BACKOFF
    )
    assert client.get("/health/").status_code == 200
    EmailNotification.objects.filter(pk=waiting.pk).update(next_attempt_at=_ago(700))
    body = client.get("/health/").json()
    assert body["jobs"]["status"] == "behind" and body["jobs"]["backlog_seconds"] >= 700


def test_a_database_that_does_not_answer_is_named(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["sales"], "cursor", refuse)
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["databases"]["sales"] == "down: OperationalError"
    assert body["databases"]["commerce"] == "ok"
    assert body["jobs"]["status"] == "unknown" and body["jobs"]["backlog_seconds"] is None
