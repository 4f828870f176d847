"""Fault: two relays race, and the "won" decision overtakes the account message it depends on.

Found by the scenarios with a real worker: a rep qualifies and wins at once, one relay is still
applying the account when another claims the "won" message. The decision carries its account
and contact (SPEC §7), so it applies at once with exactly those customers, and the account's
own message, arriving later, finds them there: one pair of customers, never a second. Here the
race is set up step by step: a row lock stands for the relay busy with the account.
"""

import psycopg

from commerce.jobs import job_execute
from commerce.models import Customer, Prospect
from dualwrite.models import OutboxMessage
from dualwrite.relay import outbox_relay
from sales.models import Lead
from tests.integration.support import database_url

from .flow import SCENARIO_MARKS, WIN, Ledger

pytestmark = SCENARIO_MARKS


def test_a_won_opportunity_overtaking_its_account_approves_with_the_same_customers(redis_server):
    # No worker here: the test runs each step itself; the kicks only queue in its own Redis.
    ledger = Ledger()
    (request_id,) = ledger.sign_up_many("zavod", 1)
    job_execute(code="P-0001")
    job_execute(code="Synchronize orders and channel requests")
    outbox_relay(source="commerce")
    prospect = Prospect.objects.get(request_id=request_id)
    ledger.decide(Lead.objects.get(prospect_number=prospect.prospect_number), WIN)
    account = OutboxMessage.objects.using("sales").get(map="accounts_organization_customers")

    with psycopg.connect(database_url("sales")) as busy_relay:
        busy_relay.execute(
            f"SELECT 1 FROM {OutboxMessage._meta.db_table} WHERE id = %s FOR UPDATE", (account.pk,)
        )
        outbox_relay(source="sales")  # the other relay: the contact and the decision
        prospect.refresh_from_db()
        assert prospect.status == Prospect.Status.APPROVED
        assert Customer.objects.get(party_type="organization").account_number == account.record_key
        assert OutboxMessage.objects.using("sales").get(pk=account.pk).state == "pending"

    outbox_relay(source="sales")
    assert OutboxMessage.objects.using("sales").get(pk=account.pk).state == "delivered"
    organization = Customer.objects.get(party_type="organization")
    person = Customer.objects.get(party_type="person")
    assert organization.account_number == account.record_key
    assert prospect.organization_customer == organization.account_number
    assert prospect.person_customer == person.account_number
