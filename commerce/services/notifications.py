"""Queueing emails and sending a failed one again; the mailer (commerce.emails) sends them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.emails import EmailSpec, email_subjects
from commerce.models import EmailNotification
from core.errors import NotAllowed
from core.kicks import task_kick_on_commit, task_named
from core.postgres import rows_copy

from .common import DB

# The mailer's task, and its priority: the lowest of kombu's Redis transport (0 is taken
# first), so the worker sends emails when no job or relay task waits.
EMAIL_TASK = "commerce.email_notifications_send"
EMAIL_TASK_PRIORITY = 9


def _mailer_kick_on_commit() -> None:
    task_kick_on_commit(task_named(EMAIL_TASK), using=DB, priority=EMAIL_TASK_PRIORITY)


def email_notifications_queue(*, specs: list[EmailSpec]) -> None:
    """Queue emails inside the caller's commerce transaction; one per event, however often."""
    if not specs:
        return
    now = timezone.now()
    rows_copy(
        [
            EmailNotification(
                type=spec.type,
                event_key=spec.event_key,
                recipient=spec.recipient,
                language=spec.language,
                subject=subject,
                context=spec.context,
                next_attempt_at=now,
            )
            for spec, subject in zip(specs, email_subjects(specs), strict=True)
        ],
        using=DB,
        ignore_conflicts=True,
    )
    _mailer_kick_on_commit()


def email_notification_retry(*, notification_id: int) -> EmailNotification:
    """Put a failed email back in the queue (HQ action)."""
    with transaction.atomic(using=DB):
        notification = (
            EmailNotification.objects.using(DB).select_for_update().get(pk=notification_id)
        )
        if notification.status != EmailNotification.Status.FAILED:
            raise NotAllowed(_("Only a failed email can be sent again."))
        notification.status = EmailNotification.Status.QUEUED
        notification.attempts = 0
        notification.next_attempt_at = timezone.now()
        notification.save(update_fields=["status", "attempts", "next_attempt_at"])
        _mailer_kick_on_commit()
    return notification
