"""The mailer: sends queued emails over one SMTP session, one run at a time (SPEC §9)."""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from commerce.models import EmailNotification
from commerce.selectors import email_notification_content

DB = "commerce"


@dataclass(frozen=True)
class EmailSendRun:
    sent: int
    waiting: int  # still queued: due ones left by the time budget, and ones backing off
    more_due: bool  # the time budget ran out with emails due


def _email_message(notification: EmailNotification, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"X-Notification-Id": str(notification.notification_id)},
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    return message


def _email_send(notification: EmailNotification, connection) -> None:
    if not notification.body_text:
        # Rendered once: a retry sends what the first attempt sent.
        rendered = email_notification_content(notification)
        notification.body_text, notification.body_html = rendered.body_text, rendered.body_html
    notification.attempts += 1
    try:
        connection.open()  # one session for the run; reopened after a failure closed it
        _email_message(notification, connection).send()
    except Exception as exc:  # any transport failure is retried, never lost
        connection.close()
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            notification.status = EmailNotification.Status.FAILED
        else:
            backoff = timedelta(seconds=10 * 2 ** (notification.attempts - 1))
            notification.next_attempt_at = timezone.now() + backoff
    else:
        notification.status = EmailNotification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
    notification.save(
        update_fields=[
            "attempts",
            "status",
            "sent_at",
            "last_error",
            "next_attempt_at",
            "body_text",
            "body_html",
        ]
    )


# One mailer run at a time, marked in the cache; the mark is renewed with every email, so a
# killed run's mark is gone 20 s after its last email.
_MAILER_RUNNING_KEY = "commerce:mailer-running"
_MAILER_RUNNING_SECONDS = 20


def _emails_waiting() -> int:
    queued = EmailNotification.objects.using(DB).filter(status=EmailNotification.Status.QUEUED)
    return queued.count()


def email_notifications_send_due(*, time_budget: float | None = None) -> EmailSendRun:
    """Send queued emails that are due, for at most `time_budget` seconds.

    Each email is locked (SKIP LOCKED), sent and marked sent in a transaction of its own: two
    workers never send the same email, and a worker killed half way through the queue has
    committed every email the mail server accepted before the one it was handing over. Only
    that one can go out again (SMTP's "accepted" and the database's commit cannot be one
    step), and since only one run sends at a time, it is at most one email per kill. A run
    that finds another under way sends nothing and reports what waits (its task comes back
    later, in case the other run died). The run keeps one SMTP session open. The budget lets
    the worker turn to other work between runs.
    """
    # Only a definite "already there" means another run; a cache outage (None) sends anyway.
    if cache.add(_MAILER_RUNNING_KEY, 1, timeout=_MAILER_RUNNING_SECONDS) is False:
        return EmailSendRun(sent=0, waiting=_emails_waiting(), more_due=False)
    deadline = None if time_budget is None else time.monotonic() + time_budget
    sent = 0
    more_due = False
    connection = get_connection()
    try:
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                more_due = True
                break
            with transaction.atomic(using=DB):
                notification = (
                    EmailNotification.objects.using(DB)
                    .select_for_update(skip_locked=True)
                    .filter(
                        status=EmailNotification.Status.QUEUED,
                        next_attempt_at__lte=timezone.now(),
                    )
                    .order_by("next_attempt_at", "id")
                    .first()
                )
                if notification is None:
                    break
                cache.touch(_MAILER_RUNNING_KEY, _MAILER_RUNNING_SECONDS)
                _email_send(notification, connection)
                sent += notification.status == EmailNotification.Status.SENT
    finally:
        connection.close()
        cache.delete(_MAILER_RUNNING_KEY)
    waiting = _emails_waiting()
    return EmailSendRun(sent=sent, waiting=waiting, more_due=more_due and waiting > 0)
