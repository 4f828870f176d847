"""core.batches: due rows claimed in batches; a batch is applied together, and item by item
only when that fails."""

import pytest
from django.db import connections, transaction

from commerce.channel.models import OnboardingRequest
from commerce.channel.models import TransitionLog as ChannelLog
from core.batches import claimed_batches, rows_claim, savepoint_apply
from tests.factories import OnboardingRequestFactory

pytestmark = pytest.mark.django_db(databases="__all__")


class Recorder:
    """An `apply` that creates a request per item and fails, after writing, on "bad" items."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, group: list[str]) -> None:
        self.calls.append(list(group))
        for item in group:
            OnboardingRequestFactory(company_name=item).mark_uploaded(by="batch")
            if item.startswith("bad"):
                raise ValueError(item)


def _stored() -> list[str]:
    return sorted(OnboardingRequest.objects.using("channel").values_list("company_name", flat=True))


def test_a_good_batch_is_applied_in_one_call():
    apply = Recorder()

    failures = savepoint_apply(["a", "b", "c"], apply, using="channel")

    assert failures == []
    assert apply.calls == [["a", "b", "c"]]
    assert _stored() == ["a", "b", "c"]


def test_a_bad_item_fails_alone_and_the_good_ones_are_applied_once():
    apply = Recorder()

    failures = savepoint_apply(["a", "bad", "c"], apply, using="channel")

    assert apply.calls == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]
    assert [(item, str(exc)) for item, exc in failures] == [("bad", "bad")]
    assert isinstance(failures[0][1], ValueError)
    # What the failed attempts wrote was rolled back with their savepoints.
    assert _stored() == ["a", "c"]


def test_transition_logs_of_a_failed_attempt_roll_back_with_it():
    savepoint_apply(["a", "bad", "c"], Recorder(), using="channel")

    assert ChannelLog.objects.using("channel").count() == 2


def test_every_failure_is_returned_in_the_items_order():
    failures = savepoint_apply(["bad1", "a", "bad2"], Recorder(), using="channel")

    assert [item for item, __ in failures] == ["bad1", "bad2"]
    assert _stored() == ["a"]


def test_not_together_applies_each_item_in_its_own_call():
    apply = Recorder()

    failures = savepoint_apply(["a", "b"], apply, using="channel", together=False)

    assert failures == []
    assert apply.calls == [["a"], ["b"]]


def test_a_single_item_is_tried_once():
    apply = Recorder()

    failures = savepoint_apply(["bad"], apply, using="channel")

    assert apply.calls == [["bad"]]
    assert [item for item, __ in failures] == ["bad"]
    assert _stored() == []


def test_no_items_means_no_call():
    apply = Recorder()

    assert savepoint_apply([], apply, using="channel") == []
    assert apply.calls == []


def test_the_callers_transaction_goes_on_after_a_failure():
    OnboardingRequestFactory(company_name="before")

    savepoint_apply(["bad"], Recorder(), using="channel")
    OnboardingRequestFactory(company_name="after")

    assert _stored() == ["after", "before"]


# --- claiming ------------------------------------------------------------------------------------


def _due():
    received = OnboardingRequest.Status.RECEIVED
    return OnboardingRequest.objects.using("channel").filter(status=received).order_by("id")


def test_claimed_batches_yield_every_due_row_once_in_order_and_stop_at_a_short_batch():
    requests = OnboardingRequestFactory.create_batch(5)
    alive = []
    batches = []
    for batch in claimed_batches(
        _due(), using="channel", batch_size=2, alive=lambda: alive.append(1)
    ):
        batches.append([request.pk for request in batch])
        for request in batch:
            request.mark_uploaded(by="batch")
            request.save()
    assert batches == [[r.pk for r in requests[i : i + 2]] for i in (0, 2, 4)]
    assert len(alive) == 3  # the short third batch took all that was due: no fourth read


@pytest.mark.postgres
def test_a_claim_does_not_sort_and_leaves_sorting_on_for_the_rest_of_the_transaction():
    OnboardingRequestFactory.create_batch(3)
    connection = connections["channel"]
    seen = []

    def sorting_during_claims(execute, sql, params, many, context):
        if "FOR UPDATE SKIP LOCKED" in sql:
            context["cursor"].execute("SHOW enable_sort")
            seen.append(context["cursor"].fetchone()[0])
        return execute(sql, params, many, context)

    with transaction.atomic(using="channel"), connection.execute_wrapper(sorting_during_claims):
        claimed = rows_claim(_due(), using="channel", batch_size=2)
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_sort")
            after = cursor.fetchone()[0]
    assert [request.company_name for request in claimed] == [
        request.company_name for request in _due()[:2]
    ]
    assert seen == ["off"] and after == "on"
