"""Fault: the Celery worker is killed with SIGKILL in the middle of a batch, then restarted.

The kill lands while the dual-write relay is half way through a batch (its leads committed in
Sales, the outbox rows not yet marked delivered in Commerce: the relay waits on a row lock the
test holds on the map's counter) and while the mailer is half way through the queue (an email
held by the SMTP server at MAIL FROM). Nothing the killed worker had claimed may be lost, and
nothing it had already done may happen twice.
"""

import psycopg
from django.db import connections
from django.utils import timezone

from commerce.models import EmailNotification, Prospect
from config.celery import app as celery_app
from dualwrite.models import InboxMessage, MapState, OutboxMessage
from dualwrite.services import map_pause
from tests.integration.support import database_url, wait_until

from .flow import (
    SCENARIO_MARKS,
    Ledger,
    assert_nothing_lost_or_twice,
    beat_tick,
    leads_for,
    wait_settled,
)

pytestmark = SCENARIO_MARKS

DONE_BEFORE_KILL = 4  # leads the relay, and emails the mailer, get through before the kill
PROSPECTS_TO_LEADS = "prospects_to_leads"


class MapCounterLock:
    """A row lock on a map's state: the relay waits on it to count a batch it has applied in
    the target, before its source transaction (which marks the batch delivered) commits."""

    def __init__(self, code: str) -> None:
        self.connection = psycopg.connect(database_url("default"))
        self.connection.execute(
            f"SELECT 1 FROM {MapState._meta.db_table} WHERE code = %s FOR UPDATE", (code,)
        )

    def someone_waits(self) -> bool:
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


def test_worker_killed_mid_batch_then_restarted(celery, mail_server):
    ledger = Ledger()
    victim = celery.worker("victim", pool="prefork")
    before = leads_for(ledger.sign_up_many("pred", 9))

    # New leads wait in the outbox (map paused) until the lock the relay will wait on is set;
    # the mail server will hold the fifth email that comes from now on.
    map_pause(code=PROSPECTS_TO_LEADS, actor="fault test")
    mail_server.hold_after(DONE_BEFORE_KILL)
    after = ledger.sign_up_many("po", 15)
    ledger.decide_all(before)
    wait_until(lambda: Prospect.objects.filter(request_id__in=after).count() == len(after), 30)
    queued = list(
        OutboxMessage.objects.using("commerce")
        .filter(map=PROSPECTS_TO_LEADS, state=OutboxMessage.State.PENDING)
        .order_by("id")
    )
    assert len(queued) == len(after)
    # Resumed without its on-commit kick (map_resume locks the row the relay will wait on), then
    # the relay is sent once the lock is in place.
    MapState.objects.filter(code=PROSPECTS_TO_LEADS).update(state=MapState.State.RUNNING)
    lock = MapCounterLock(PROSPECTS_TO_LEADS)
    try:
        celery_app.send_task("dualwrite.outbox_relay", args=["commerce"])

        def relay_half_way() -> bool:
            applied = InboxMessage.objects.using("sales").filter(
                message_id__in=[m.message_id for m in queued]
            )
            return applied.count() == len(queued) and lock.someone_waits()

        wait_until(relay_half_way, 30)
        wait_until(lambda: mail_server.held == 1, 30)
        victim.kill()
        killed_at = timezone.now()
        accepted_before_kill = {str(m["X-Notification-Id"]) for m in mail_server.messages}
    finally:
        lock.release()
        mail_server.release()

    # The kill took the worker's claimed work and its queued kicks with it; beat is not running
    # in tests, so the test sends the scheduled tasks once, exactly as beat would.
    celery.worker("restarted", pool="prefork")
    beat_tick()
    wait_settled(ledger, mail_server)
    assert_nothing_lost_or_twice(ledger, mail_server)

    # The story: the leads committed in Sales before the kill were marked delivered only after
    # the restart, so they were delivered twice, and the inbox applied them once.
    for message in queued:
        message.refresh_from_db()
        applied = InboxMessage.objects.using("sales").get(message_id=message.message_id)
        assert applied.applied_at < killed_at < message.delivered_at
    # Every email the mail server had accepted before the kill was recorded as sent (and so,
    # by the ledger above, not sent again); the one held at the kill went out after it.
    sent_before_kill = EmailNotification.objects.filter(
        notification_id__in=accepted_before_kill, status=EmailNotification.Status.SENT
    )
    assert sent_before_kill.count() == len(accepted_before_kill)
    assert EmailNotification.objects.filter(sent_at__gt=killed_at).exists()
