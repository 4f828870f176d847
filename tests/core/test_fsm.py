"""core.fsm: every transition leaves a log row in its record's database, batched on request."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django_fsm import TransitionNotAllowed

from commerce.channel.models import ChannelHierarchy, OnboardingRequest
from commerce.channel.models import TransitionLog as ChannelLog
from commerce.models import TransitionLog as CommerceLog
from core.fsm import log_transition, transition_logs_batched
from tests.factories import ChannelRequestFactory, OnboardingRequestFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def _log_inserts(alias: str, queries: CaptureQueriesContext) -> int:
    table = {"channel": ChannelLog, "commerce": CommerceLog}[alias]._meta.db_table
    return sum(
        query["sql"].startswith(("INSERT", "COPY")) and table in query["sql"]
        for query in queries.captured_queries
    )


def test_a_transition_logs_who_when_why_in_the_records_database():
    request = OnboardingRequestFactory()

    request.mark_uploaded(by="job P-0001", reason="staged in HQ")

    log = ChannelLog.objects.using("channel").get()
    assert (log.model, log.object_key) == ("channel.onboardingrequest", str(request.request_id))
    assert (log.transition, log.source_state, log.target_state) == (
        "mark_uploaded",
        "received",
        "uploaded",
    )
    assert (log.actor, log.reason) == ("job P-0001", "staged in HQ")
    assert log.created_at is not None
    assert not CommerceLog.objects.using("commerce").exists()


def test_a_transition_without_an_actor_or_reason_is_logged_as_the_systems():
    OnboardingRequestFactory().mark_uploaded(by="")

    log = ChannelLog.objects.using("channel").get()
    assert (log.actor, log.reason) == ("system", "")


def test_a_model_without_a_log_model_logs_nothing():
    hierarchy = ChannelHierarchy(hierarchy_id="H-1")

    log_transition(sender=ChannelHierarchy, instance=hierarchy, name="x", source="a", target="b")

    assert not ChannelLog.objects.using("channel").exists()


def test_batched_logs_wait_for_the_end_of_the_block_then_go_in_one_insert_per_table():
    requests = OnboardingRequestFactory.create_batch(3)
    staged = ChannelRequestFactory()

    with (
        CaptureQueriesContext(connections["channel"]) as channel,
        CaptureQueriesContext(connections["commerce"]) as commerce,
        transition_logs_batched(),
    ):
        for request in requests:
            request.mark_uploaded(by="job P-0001")
        staged.mark_processed(by="sync")
        assert not ChannelLog.objects.using("channel").exists()
        assert not CommerceLog.objects.using("commerce").exists()

    assert _log_inserts("channel", channel) == 1
    assert _log_inserts("commerce", commerce) == 1
    assert sorted(ChannelLog.objects.using("channel").values_list("object_key", flat=True)) == (
        sorted(str(request.request_id) for request in requests)
    )
    assert CommerceLog.objects.using("commerce").get().object_key == str(staged.request_id)


def test_a_batch_that_fails_writes_none_of_its_logs():
    request = OnboardingRequestFactory()

    with pytest.raises(RuntimeError), transition_logs_batched():
        request.mark_uploaded(by="job P-0001")
        raise RuntimeError("the batch failed")

    assert not ChannelLog.objects.using("channel").exists()


def test_after_a_batch_transitions_are_logged_one_by_one_again():
    first, second = OnboardingRequestFactory.create_batch(2)
    with transition_logs_batched():
        first.mark_uploaded(by="job P-0001")

    second.mark_uploaded(by="job P-0001")

    assert ChannelLog.objects.using("channel").count() == 2


def test_a_nested_batch_inserts_its_own_logs_when_it_ends():
    outer, inner = OnboardingRequestFactory.create_batch(2)

    with transition_logs_batched():
        outer.mark_uploaded(by="job P-0001")
        with transition_logs_batched():
            inner.mark_uploaded(by="job P-0001")
        assert list(ChannelLog.objects.using("channel").values_list("object_key", flat=True)) == [
            str(inner.request_id)
        ]

    assert ChannelLog.objects.using("channel").count() == 2


def test_an_onboarding_request_cannot_skip_its_states():
    request = OnboardingRequestFactory(status=OnboardingRequest.Status.UPLOADED)

    with pytest.raises(TransitionNotAllowed):
        request.mark_uploaded(by="job P-0001")

    assert not ChannelLog.objects.using("channel").exists()
