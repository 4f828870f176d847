"""What every fault scenario does and checks: sign-ups, decisions, and the exactly-once ledger.

The test process plays the requesters (JSON sign-ups through the public API) and the sales reps
(Sales services); the Celery processes run the jobs, the relays and the mailer. At the end,
`assert_nothing_lost_or_twice` checks SPEC §12: every accepted request is exactly one prospect
and one lead, every decision reached Commerce, every email went out exactly once, and every
dual-write message was applied exactly once.
"""

import datetime
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django_celery_beat.models import PeriodicTask

from commerce.channel.models import OnboardingRequest
from commerce.models import ChannelRequest, Customer, CustomerHierarchy, EmailNotification, Prospect
from config.celery import app as celery_app
from core.schedules import register_periodic_tasks
from dualwrite.models import InboxMessage, OutboxMessage
from sales import services as sales
from sales.models import Lead
from tests.integration.support import wait_until

from .support import MailServer

SETTLE_TIMEOUT = 60

# Every scenario: PostgreSQL pass only, committed data shared with the Celery processes, the Sales
# integration on and every table map running.
SCENARIO_MARKS = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
    pytest.mark.parametrize("sales_integration_enabled", [True], indirect=True),
    pytest.mark.usefixtures("sales_integration_enabled", "dualwrite_running"),
]
SIDES = {"commerce": "sales", "sales": "commerce"}  # outbox database → the side it applies to

# Decisions a rep takes, in turn, and the prospect status each must lead to in Commerce.
WIN, DISQUALIFY, LOSE = "qualify and win", "disqualify", "qualify and lose"
DECISIONS = (WIN, DISQUALIFY, LOSE)
OUTCOME = {
    WIN: Prospect.Status.APPROVED,
    DISQUALIFY: Prospect.Status.REJECTED,
    LOSE: Prospect.Status.REJECTED,
}


@dataclass
class Ledger:
    """What the test did, so that the end state can be checked against it."""

    accepted: dict[uuid.UUID, str] = field(default_factory=dict)  # request id → email
    decisions: dict[str, str] = field(default_factory=dict)  # prospect number → decision

    def sign_up(self, client: Client, email: str, company: str) -> uuid.UUID:
        """One sign-up through the public API; it must be accepted (201), whatever fails."""
        response = client.post(
            "/api/channel/onboarding-requests/",
            {
                "company_name": company,
                "first_name": "Zdeňka",
                "last_name": "Łukasiewicz-Dvořáková",
                "email": email,
                "phone": "+420 601 123 456",
                "job_title": "Nákupčí",
                "street": "Náměstí Míru 1",
                "city": "Brno",
                "postal_code": "602 00",
                "country": "CZ",
                "comments": "Žluťoučký kůň úpěl ďábelské ódy.",
                "terms_accepted": True,
                "language": "cs",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        request_id = uuid.UUID(response.json()["request_id"])
        self.accepted[request_id] = email
        return request_id

    def sign_up_many(self, label: str, count: int) -> list[uuid.UUID]:
        client = Client()
        return [
            self.sign_up(client, f"{label}{n}@{label}-hurt.example.cz", f"Hurt {label} {n} s.r.o.")
            for n in range(count)
        ]

    def decide(self, lead: Lead, decision: str) -> None:
        """What a rep does in Sales; the decision travels to Commerce by dual-write."""
        self.decisions[lead.prospect_number] = decision
        if decision == DISQUALIFY:
            sales.lead_disqualify(
                lead_id=lead.pk, status_reason="no_longer_interested", actor="rep"
            )
            return
        qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
        close = {
            "opportunity_id": qualified.opportunity.pk,
            "close_date": datetime.date(2026, 11, 23),
            "actor": "rep",
        }
        if decision == WIN:
            sales.opportunity_close_as_won(
                **close, actual_revenue=Decimal("50000"), description="Smlouva podepsána"
            )
        else:
            sales.opportunity_close_as_lost(
                **close, status_reason="out_sold", competitor="Konkurent", description="Cena"
            )

    def decide_all(self, leads: list[Lead]) -> None:
        for n, lead in enumerate(leads):
            self.decide(lead, DECISIONS[n % len(DECISIONS)])


# --- waiting -----------------------------------------------------------------------------------


def leads_for(request_ids: list[uuid.UUID], timeout: float = SETTLE_TIMEOUT) -> list[Lead]:
    """Wait until each request has its lead in Sales; the leads, in the order of the requests."""

    def all_there() -> list[Lead] | None:
        numbers = dict(
            Prospect.objects.filter(request_id__in=request_ids).values_list(
                "request_id", "prospect_number"
            )
        )
        if len(numbers) < len(request_ids):
            return None
        leads = {
            lead.prospect_number: lead
            for lead in Lead.objects.filter(prospect_number__in=numbers.values())
        }
        if len(leads) < len(request_ids):
            return None
        return [leads[numbers[request_id]] for request_id in request_ids]

    return wait_until(all_there, timeout)


def settled(ledger: Ledger, mail: MailServer) -> bool:
    """Nothing is left to do: every request has its lead, every decision and email is through."""
    if Lead.objects.count() < len(ledger.accepted):
        return False
    if Prospect.objects.filter(
        prospect_number__in=ledger.decisions, status=Prospect.Status.NEW
    ).exists():
        return False
    for alias in SIDES:
        if OutboxMessage.objects.using(alias).exclude(state=OutboxMessage.State.DELIVERED).exists():
            return False
    if EmailNotification.objects.exclude(status=EmailNotification.Status.SENT).exists():
        return False
    return len(mail.messages) >= EmailNotification.objects.count()


def wait_settled(ledger: Ledger, mail: MailServer, timeout: float = SETTLE_TIMEOUT) -> None:
    wait_until(lambda: settled(ledger, mail), timeout, interval=0.2)


def periodic_tasks_ensure() -> list[PeriodicTask]:
    """The celery-beat entries registered on migrate (registered again if a flush dropped them)."""
    if not PeriodicTask.objects.exists():
        register_periodic_tasks(sender=apps.get_app_config("django_celery_beat"), using="default")
    return list(PeriodicTask.objects.filter(enabled=True))


def beat_tick() -> None:
    """Send every scheduled task once, exactly as celery-beat does when they fall due."""
    for task in periodic_tasks_ensure():
        celery_app.send_task(task.task, args=json.loads(task.args), kwargs=json.loads(task.kwargs))


# --- the exactly-once ledger -------------------------------------------------------------------


def _counts(queryset, field_name: str) -> Counter:
    return Counter(queryset.values_list(field_name, flat=True))


def assert_each_request_one_prospect_and_one_lead(ledger: Ledger) -> dict[uuid.UUID, Prospect]:
    request_ids = set(ledger.accepted)
    assert set(OnboardingRequest.objects.values_list("request_id", flat=True)) == request_ids
    assert not OnboardingRequest.objects.exclude(status=OnboardingRequest.Status.UPLOADED).exists()
    staged = _counts(ChannelRequest.objects.all(), "request_id")
    assert set(staged) == request_ids and set(staged.values()) == {1}, staged
    assert not ChannelRequest.objects.exclude(state=ChannelRequest.State.PROCESSED).exists()
    prospects = {p.request_id: p for p in Prospect.objects.all()}
    assert Prospect.objects.count() == len(prospects)  # request_id is unique: never two
    assert set(prospects) == request_ids
    leads = _counts(Lead.objects.all(), "prospect_number")
    assert leads == Counter({p.prospect_number: 1 for p in prospects.values()}), leads
    assert not Lead.objects.exclude(created_by_integration=True).exists()
    return prospects


def assert_each_decision_reached_commerce(ledger: Ledger) -> None:
    decided = {
        p.prospect_number: p for p in Prospect.objects.filter(prospect_number__in=ledger.decisions)
    }
    statuses = {number: decided[number].status for number in ledger.decisions}
    assert statuses == {number: OUTCOME[d] for number, d in ledger.decisions.items()}
    undecided = Prospect.objects.exclude(prospect_number__in=ledger.decisions)
    assert not undecided.exclude(status=Prospect.Status.NEW).exists()
    for number, decision in ledger.decisions.items():
        prospect = decided[number]
        if decision == WIN:
            # One organization and one person customer, the ones in the hierarchy: an approval
            # applied twice, or before the account and contact arrived, would make more.
            customers = Customer.objects.filter(prospect_number=number)
            assert _counts(customers, "party_type") == Counter({"organization": 1, "person": 1}), (
                number,
                list(customers.values_list("account_number", "party_type", "created_at")),
            )
            hierarchy = CustomerHierarchy.objects.get(prospect_number=number)
            assert hierarchy.organization.account_number == prospect.organization_customer
        elif decision == DISQUALIFY:
            assert prospect.status_reason == "No longer interested"
        else:
            assert prospect.status_reason == "Out-sold (Konkurent)"


def assert_each_email_sent_once(ledger: Ledger, mail: MailServer) -> None:
    """One notification per event, each sent, and exactly one message for each at the server."""
    notifications = list(EmailNotification.objects.all())
    expected = Counter(
        (EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED, email)
        for email in ledger.accepted.values()
    )
    emails = dict(
        Prospect.objects.filter(prospect_number__in=ledger.decisions).values_list(
            "prospect_number", "email"
        )
    )
    for number, decision in ledger.decisions.items():
        kind = "prospect_approved" if decision == WIN else "prospect_rejected"
        expected[(kind, emails[number])] += 1
    assert Counter((n.type, n.recipient) for n in notifications) == expected
    assert {n.status for n in notifications} == {EmailNotification.Status.SENT}
    at_server = mail.by_notification()
    assert at_server == Counter({str(n.notification_id): 1 for n in notifications}), at_server
    by_subject = mail.by_recipient_and_subject()
    assert set(by_subject.values()) == {1}, [key for key, n in by_subject.items() if n > 1]
    assert set(by_subject) == {(n.recipient, n.subject) for n in notifications}


def assert_each_message_applied_once() -> None:
    """Every outbox message delivered, and applied on the other side exactly once (its inbox)."""
    for source, target in SIDES.items():
        outbox = OutboxMessage.objects.using(source)
        assert not outbox.exclude(state=OutboxMessage.State.DELIVERED).exists()
        delivered = set(outbox.values_list("message_id", flat=True))
        applied = set(InboxMessage.objects.using(target).values_list("message_id", flat=True))
        assert applied == delivered, (source, len(delivered), len(applied))


def assert_nothing_lost_or_twice(ledger: Ledger, mail: MailServer) -> None:
    assert_each_request_one_prospect_and_one_lead(ledger)
    assert_each_decision_reached_commerce(ledger)
    assert_each_email_sent_once(ledger, mail)
    assert_each_message_applied_once()
