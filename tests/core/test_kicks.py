"""Kicks: one queued copy of a task at a time, and a broker outage never undoes a commit."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from celery import current_app
from celery.signals import task_prerun
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError

from commerce.tasks import job_run
from core.kicks import FollowedTask, task_kick_on_commit, task_named

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def queued_marks(settings):
    settings.KICK_QUEUED_SECONDS = 60
    cache.clear()


def _kick(capture) -> None:
    with capture(using="commerce", execute=True):
        task_kick_on_commit(job_run, "P-0001", "commit", using="commerce")


def _started() -> None:
    task_prerun.send(sender=job_run, task_id="t", task=job_run, args=("P-0001", "commit"))


def test_a_kick_waiting_in_the_queue_is_not_sent_again(
    queued_marks, django_capture_on_commit_callbacks
):
    with mock.patch.object(job_run, "apply_async") as send:
        _kick(django_capture_on_commit_callbacks)
        _kick(django_capture_on_commit_callbacks)
        assert send.call_count == 1
        assert send.call_args.args[0] == ("P-0001", "commit")

        _started()  # the worker took it: work committed from now on needs a new run
        _kick(django_capture_on_commit_callbacks)
        assert send.call_count == 2


def test_kicks_of_other_arguments_are_sent_each(queued_marks, django_capture_on_commit_callbacks):
    with mock.patch.object(job_run, "apply_async") as send:
        _kick(django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(using="commerce", execute=True):
            task_kick_on_commit(job_run, "1010", "commit", using="commerce")
        assert [c.args[0] for c in send.call_args_list] == [
            ("P-0001", "commit"),
            ("1010", "commit"),
        ]


def test_a_kick_the_broker_refused_is_tried_again_at_the_next_commit(
    queued_marks, django_capture_on_commit_callbacks, caplog
):
    with mock.patch.object(job_run, "apply_async", side_effect=OperationalError("down")) as send:
        _kick(django_capture_on_commit_callbacks)
        _kick(django_capture_on_commit_callbacks)
    assert send.call_count == 2
    assert "beat schedule will run it" in caplog.text


def test_without_a_cache_every_kick_is_sent(queued_marks, django_capture_on_commit_callbacks):
    # django-redis answers None when Redis is down (DJANGO_REDIS_IGNORE_EXCEPTIONS).
    with (
        mock.patch.object(job_run, "apply_async") as send,
        mock.patch.object(cache, "add", return_value=None),
    ):
        _kick(django_capture_on_commit_callbacks)
        _kick(django_capture_on_commit_callbacks)
    assert send.call_count == 2


def test_a_rolled_back_transaction_sends_nothing(queued_marks, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        mock.patch.object(job_run, "apply_async") as send,
        django_capture_on_commit_callbacks(using="commerce", execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(using="commerce"),
    ):
        task_kick_on_commit(job_run, "P-0001", "commit", using="commerce")
        raise RuntimeError
    assert send.call_count == 0


def test_receipts_kick_the_mailer_at_the_lowest_priority(django_capture_on_commit_callbacks):
    from commerce.emails import EmailSpec
    from commerce.services import email_notifications_queue
    from commerce.tasks import email_notifications_send

    spec = EmailSpec(
        type="prospect_rejected",
        event_key="kick-priority",
        recipient="anna@example.pl",
        language="pl",
        context={"first_name": "Anna", "last_name": "Nowak", "company_name": "Kůň"},
    )
    with (
        mock.patch.object(email_notifications_send, "apply_async") as send,
        django_capture_on_commit_callbacks(using="commerce", execute=True),
    ):
        email_notifications_queue(specs=[spec])
    assert send.call_count == 1
    assert send.call_args.kwargs["priority"] == 9


def test_a_task_is_found_by_its_registered_name():
    assert task_named("commerce.job_run") is job_run._get_current_object()
    with pytest.raises(KeyError):
        task_named("commerce.no_such_task")


def test_a_web_process_finds_a_task_whose_module_it_never_imported():
    # Services kick tasks by name, so a web process may not have imported any task module yet.
    script = (
        "import sys, django; django.setup()\n"
        "assert 'commerce.tasks' not in sys.modules\n"
        "from core.kicks import task_named\n"
        "print(task_named('commerce.job_run').name)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    found = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip().splitlines()[-1] == "commerce.job_run"


# --- follow-ups run in the kicking process ----------------------------------------------------

RAN: list[str] = []


@current_app.task(name="tests.kicks.sync_like", base=FollowedTask)
def _sync_like() -> None:
    RAN.append("sync")


@current_app.task(name="tests.kicks.mailer_like")
def _mailer_like() -> None:
    RAN.append("mailer")


@current_app.task(name="tests.kicks.upload_like", base=FollowedTask)
def _upload_like() -> None:
    RAN.append("upload")
    with transaction.atomic(using="commerce"):
        task_kick_on_commit(_sync_like, using="commerce")
        task_kick_on_commit(_mailer_like, using="commerce")


def _queued_copy_starts(task) -> None:
    """A worker process takes the task's queued message: prerun, then the task itself."""
    task.push_request(args=(), id="queued-copy")
    try:
        task_prerun.send(sender=task, task_id="queued-copy", task=task, args=())
        task()
    finally:
        task.pop_request()


@pytest.fixture
def followed(queued_marks):
    RAN.clear()
    with (
        mock.patch.object(_sync_like, "apply_async") as sent,
        mock.patch.object(_mailer_like, "apply_async"),
    ):
        yield sent


# Real commits: the kicks are sent by on_commit inside the task, as in a worker.
@pytest.mark.django_db(databases="__all__", transaction=True, serialized_rollback=True)
def test_a_follow_up_still_in_the_queue_runs_at_once_and_its_queued_copy_returns(followed):
    _upload_like()
    assert followed.call_count == 1  # sent, in case this process died before running it
    assert RAN == ["upload", "sync"]  # run here, not the mailer: it is no FollowedTask

    _queued_copy_starts(_sync_like)
    assert RAN == ["upload", "sync"]
    # The next commit's kick is a new one, and its queued copy runs.
    with transaction.atomic(using="commerce"):
        task_kick_on_commit(_sync_like, using="commerce")
    _queued_copy_starts(_sync_like)
    assert RAN == ["upload", "sync", "sync"]


@current_app.task(name="tests.kicks.upload_then_taken", base=FollowedTask)
def _upload_then_taken() -> None:
    RAN.append("upload")
    with transaction.atomic(using="commerce"):
        task_kick_on_commit(_sync_like, using="commerce")
    # Before this upload ends, the other process takes the sync's message.
    _queued_copy_starts(_sync_like)


@pytest.mark.django_db(databases="__all__", transaction=True, serialized_rollback=True)
def test_a_follow_up_another_process_started_is_left_to_it(followed):
    _upload_then_taken()
    assert RAN == ["upload", "sync"]  # once, by the other process
