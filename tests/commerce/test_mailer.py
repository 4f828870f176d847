"""The mailer: it sends each due email once, retries with backoff, one run at a time."""

import dataclasses

import pytest
from django.core import mail
from django.core.cache import cache

from commerce.emails import email_subjects
from commerce.emails.mailer import EmailSendRun, email_notifications_send_due
from commerce.models import EmailNotification
from commerce.selectors import email_notification_content
from commerce.services import email_notifications_queue

from .test_services import _spec

pytestmark = pytest.mark.django_db(databases="__all__")


def test_queued_email_is_sent_once_and_marked_sent():
    email_notifications_queue(specs=[_spec("event-2")])
    email_notifications_send_due()
    email_notifications_send_due()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.pl"]
    notification = EmailNotification.objects.get()
    assert notification.status == EmailNotification.Status.SENT
    assert notification.attempts == 1


def test_failing_transport_is_retried_with_backoff_then_marked_failed(settings, monkeypatch):
    settings.EMAIL_MAX_ATTEMPTS = 2

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    email_notifications_queue(specs=[_spec("event-3")])

    assert email_notifications_send_due().waiting == 1
    notification = EmailNotification.objects.get()
    assert notification.status == EmailNotification.Status.QUEUED
    assert notification.attempts == 1
    assert "SMTP down" in notification.last_error
    assert notification.next_attempt_at > notification.created_at

    EmailNotification.objects.update(next_attempt_at=notification.created_at)
    email_notifications_send_due()
    notification.refresh_from_db()
    assert notification.status == EmailNotification.Status.FAILED
    assert notification.attempts == 2


def test_bodies_are_rendered_when_first_sent_and_kept_for_retries(monkeypatch):
    email_notifications_queue(specs=[_spec("event-render")])
    queued = EmailNotification.objects.get()
    assert queued.subject and queued.context and not queued.body_text
    preview = email_notification_content(queued)

    email_notifications_send_due()

    sent = EmailNotification.objects.get()
    assert (sent.body_text, sent.body_html) == (preview.body_text, preview.body_html)
    assert mail.outbox[0].body == preview.body_text
    assert mail.outbox[0].alternatives[0][0] == preview.body_html
    # What was sent stays what HQ shows, whatever the templates say later.
    monkeypatch.setattr("commerce.selectors.email_render", lambda spec: None)
    assert email_notification_content(sent).body_text == preview.body_text


def test_a_run_stops_at_its_time_budget_and_says_more_is_due():
    email_notifications_queue(specs=[_spec(f"event-budget-{n}") for n in range(3)])
    run = email_notifications_send_due(time_budget=0)
    assert (run.sent, run.waiting, run.more_due) == (0, 3, True)
    run = email_notifications_send_due(time_budget=60)
    assert (run.sent, run.waiting, run.more_due) == (3, 0, False)
    assert len(mail.outbox) == 3


def test_one_mail_session_sends_the_whole_run(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    opened = []
    monkeypatch.setattr(EmailBackend, "open", lambda self: opened.append(self), raising=False)
    email_notifications_queue(specs=[_spec(f"event-session-{n}") for n in range(3)])
    email_notifications_send_due()
    assert len(mail.outbox) == 3
    assert len({id(backend) for backend in opened}) == 1


def test_one_mailer_runs_at_a_time():
    email_notifications_queue(specs=[_spec("event-one-mailer")])
    cache.add("commerce:mailer-running", 1, timeout=60)  # a run under way elsewhere

    # It sends nothing and says what waits, so that its task comes back for it later.
    assert email_notifications_send_due() == EmailSendRun(sent=0, waiting=1, more_due=False)
    assert mail.outbox == []

    cache.delete("commerce:mailer-running")  # that run ended
    assert email_notifications_send_due().sent == 1
    assert len(mail.outbox) == 1
    assert cache.get("commerce:mailer-running") is None  # a finished run leaves no mark


def test_a_burst_of_emails_gets_each_its_own_subject_in_its_own_language(settings):
    settings.STORE_NAME = "Hurtownia Ącki"
    invited = {
        "company_name": "Firma",
        "first_name": "Jan",
        "last_name": "Kowalski",
        "inviter_name": "Anna",
    }
    specs = [
        dataclasses.replace(_spec("burst-en"), language="en"),
        dataclasses.replace(_spec("burst-pl"), language="pl"),
        dataclasses.replace(
            _spec("burst-invited"),
            type=EmailNotification.Type.PARTNER_USER_INVITED,
            language="pl",
            context=invited,
        ),
        dataclasses.replace(_spec("burst-cs"), language="cs"),
    ]
    email_notifications_queue(specs=specs)

    subjects = dict(EmailNotification.objects.values_list("event_key", "subject"))
    assert subjects == {
        "burst-en": "Your business account request at Hurtownia Ącki",
        "burst-pl": "Twoje zgłoszenie konta firmowego w Hurtownia Ącki",
        "burst-invited": "Zaproszenie do konta firmowego Firma w Hurtownia Ącki",
        "burst-cs": "Vaše žádost o firemní účet v Hurtownia Ącki",
    }
    # Each is what rendering that one email alone gives.
    for spec in specs:
        assert [subjects[spec.event_key]] == email_subjects([spec])
