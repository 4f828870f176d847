"""Fault: the same dual-write message is delivered twice (SPEC §7 "exactly once", §12).

A relay that crashes after the other side committed but before it marked the message
delivered sends the message again; so may an administrator's retry. The inbox on the target
side must turn every second delivery into a no-op: no second lead, approval or email.
"""

from commerce.models import Customer, CustomerHierarchy, EmailNotification, Prospect
from dualwrite.models import InboxMessage, OutboxMessage
from dualwrite.relay import message_apply
from sales.models import Account, Contact, Lead, Note
from tests.integration.support import wait_until

from .flow import (
    SCENARIO_MARKS,
    SETTLE_TIMEOUT,
    SIDES,
    Ledger,
    assert_nothing_lost_or_twice,
    beat_tick,
    leads_for,
    wait_settled,
)

pytestmark = SCENARIO_MARKS


def _state_of_both_sides(mail_server) -> dict:
    return {
        "inbox": {alias: InboxMessage.objects.using(alias).count() for alias in SIDES},
        "prospects": dict(Prospect.objects.values_list("prospect_number", "status")),
        "customers": Customer.objects.count(),
        "hierarchies": CustomerHierarchy.objects.count(),
        "leads": Lead.objects.count(),
        "notes": Note.objects.count(),
        "accounts": Account.objects.count(),
        "contacts": Contact.objects.count(),
        "emails": EmailNotification.objects.count(),
        "mails at the server": len(mail_server.messages),
    }


def _attempts() -> dict:
    return {
        (alias, message_id): attempts
        for alias in SIDES
        for message_id, attempts in OutboxMessage.objects.using(alias).values_list(
            "message_id", "attempts"
        )
    }


def test_a_message_delivered_twice_is_applied_once(celery, mail_server):
    celery.worker("worker")
    ledger = Ledger()
    ledger.decide_all(leads_for(ledger.sign_up_many("dvakrat", 6)))
    wait_settled(ledger, mail_server)
    before = _state_of_both_sides(mail_server)
    first_attempts = _attempts()
    assert before["inbox"] == {
        "sales": OutboxMessage.objects.using("commerce").count(),
        "commerce": OutboxMessage.objects.using("sales").count(),
    }

    # The relay's apply step run again, by hand, for every message already delivered.
    for source, target in SIDES.items():
        for message in OutboxMessage.objects.using(source):
            assert message_apply(message=message, target=target) is False, message

    # Every message undelivered again, as after a crash between the two commits, and the
    # relays run as beat runs them: the worker delivers each message a second time.
    for source in SIDES:
        OutboxMessage.objects.using(source).update(
            state=OutboxMessage.State.PENDING, delivered_at=None
        )
    beat_tick()

    def delivered_again() -> bool:
        return all(
            OutboxMessage.objects.using(alias).filter(state=OutboxMessage.State.DELIVERED).count()
            == OutboxMessage.objects.using(alias).count()
            for alias in SIDES
        )

    wait_until(delivered_again, SETTLE_TIMEOUT)
    assert _attempts() == {key: attempts + 1 for key, attempts in first_attempts.items()}
    wait_settled(ledger, mail_server)
    assert _state_of_both_sides(mail_server) == before
    assert not EmailNotification.objects.exclude(status=EmailNotification.Status.SENT).exists()
    assert_nothing_lost_or_twice(ledger, mail_server)
