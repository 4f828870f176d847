"""The mailer task: it sends what is due and queues itself again while more is due."""

from unittest import mock

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from commerce.models import EmailNotification
from commerce.services import email_notifications_queue
from commerce.tasks import EMAIL_TASK_PRIORITY, email_notifications_send

from .test_services import _spec

pytestmark = pytest.mark.django_db(databases="__all__")


def test_more_due_queues_the_mailer_again_at_its_priority(settings):
    settings.EMAIL_SEND_TIME_BUDGET_SECONDS = 0  # the run stops before its first email
    email_notifications_queue(specs=[_spec("task-more-1"), _spec("task-more-2")])
    with mock.patch.object(email_notifications_send, "apply_async") as send:
        email_notifications_send()
    assert send.call_count == 1
    assert send.call_args.kwargs["priority"] == EMAIL_TASK_PRIORITY
    assert "countdown" not in send.call_args.kwargs


def test_a_broker_outage_while_queueing_again_leaves_the_emails_for_beat(settings, caplog):
    settings.EMAIL_SEND_TIME_BUDGET_SECONDS = 0
    email_notifications_queue(specs=[_spec("task-outage-1"), _spec("task-outage-2")])
    with mock.patch.object(email_notifications_send, "apply_async", side_effect=OperationalError):
        email_notifications_send()  # the run itself succeeds: nothing is raised

    assert "commerce.email_notifications_send() was not sent; the beat schedule" in caplog.text
    assert mail.outbox == []
    assert EmailNotification.objects.filter(status=EmailNotification.Status.QUEUED).count() == 2
    settings.EMAIL_SEND_TIME_BUDGET_SECONDS = 60
    email_notifications_send()  # the scheduled run
    assert len(mail.outbox) == 2
