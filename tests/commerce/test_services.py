"""Commerce HQ services: approval builds SPEC §8, rejection records the reason, emails queue."""

import pytest

from commerce.emails import EmailSpec
from commerce.models import (
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Invitation,
    Prospect,
    TransitionLog,
)
from commerce.selectors import decline_message_text, email_notification_content
from commerce.services import (
    email_notifications_queue,
    number_sequence_take,
    prospect_approve,
    prospect_reject,
)
from core.errors import NotAllowed, NotFound, ServiceError
from tests.factories import CustomerFactory, ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_number_sequence_hands_out_consecutive_numbers():
    first = number_sequence_take(code="prospect", count=2)
    second = number_sequence_take(code="prospect")
    assert first == ["PR-000001", "PR-000002"]
    assert second == ["PR-000003"]


def test_approve_builds_customers_hierarchy_admin_invitation_and_email():
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", first_name="Łucja")

    prospect_approve(prospect_number=prospect.prospect_number, actor="backoffice")

    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.APPROVED
    assert prospect.decided_by == "backoffice"
    organization = Customer.objects.get(account_number=prospect.organization_customer)
    person = Customer.objects.get(account_number=prospect.person_customer)
    assert organization.party_type == "organization"
    assert organization.name == "Žluťoučký kůň s.r.o."
    assert person.party_type == "person"
    assert person.first_name == "Łucja"
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=prospect.customer_hierarchy)
    assert hierarchy.name == "Žluťoučký kůň s.r.o."
    assert hierarchy.purpose == "B2B organization"
    assert hierarchy.organization == organization
    member = HierarchyMember.objects.get(hierarchy=hierarchy)
    assert (member.customer, member.role) == (person, HierarchyMember.Role.ADMIN)
    invitation = Invitation.objects.get(customer=person)
    assert invitation.used_at is None and invitation.expires_at > invitation.created_at
    email = EmailNotification.objects.get(type=EmailNotification.Type.PROSPECT_APPROVED)
    assert email.recipient == prospect.email
    assert "/partner/invitation/" in email_notification_content(email).body_text
    log = TransitionLog.objects.get(object_key=prospect.prospect_number)
    assert (log.source_state, log.target_state, log.actor) == ("new", "approved", "backoffice")


def test_approve_reuses_customers_created_for_the_prospect():
    prospect = ProspectFactory()
    organization = CustomerFactory(prospect_number=prospect.prospect_number)
    person = CustomerFactory(prospect_number=prospect.prospect_number, party_type="person")

    prospect_approve(
        prospect_number=prospect.prospect_number, actor="integration", decided_in_sales=True
    )

    prospect.refresh_from_db()
    assert prospect.organization_customer == organization.account_number
    assert prospect.person_customer == person.account_number
    assert Customer.objects.count() == 2


def test_reject_records_reason_and_queues_rejected_email():
    prospect = ProspectFactory()

    prospect_reject(prospect_number=prospect.prospect_number, reason="Poza obszarem", actor="bo")

    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.REJECTED
    assert prospect.status_reason == "Poza obszarem"
    email = EmailNotification.objects.get(type=EmailNotification.Type.PROSPECT_REJECTED)
    # The reason stays internal to HQ: the email carries the customer-facing line (SPEC §9).
    body = email_notification_content(email).body_text
    assert "Poza obszarem" not in body
    assert decline_message_text(category="hq", language=prospect.language) in body
    assert CustomerHierarchy.objects.count() == 0


def test_reject_needs_a_reason_and_changes_nothing():
    prospect = ProspectFactory()
    with pytest.raises(ServiceError):
        prospect_reject(prospect_number=prospect.prospect_number, reason="  ", actor="bo")
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW
    assert not EmailNotification.objects.exists()


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decided_prospect_cannot_be_decided_again(first):
    prospect = ProspectFactory()
    decide = {
        "approve": lambda: prospect_approve(prospect_number=prospect.prospect_number, actor="a"),
        "reject": lambda: prospect_reject(
            prospect_number=prospect.prospect_number, reason="r", actor="a"
        ),
    }
    decide[first]()
    for again in decide.values():
        with pytest.raises(NotAllowed):
            again()
    assert CustomerHierarchy.objects.count() == (1 if first == "approve" else 0)
    assert EmailNotification.objects.count() == 1


def test_manual_decisions_are_refused_while_sales_integration_is_on(settings):
    settings.SALES_INTEGRATION_ENABLED = True
    prospect = ProspectFactory()
    with pytest.raises(NotAllowed, match="decided in Sales"):
        prospect_approve(prospect_number=prospect.prospect_number, actor="bo")
    with pytest.raises(NotAllowed, match="decided in Sales"):
        prospect_reject(prospect_number=prospect.prospect_number, reason="x", actor="bo")
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW


def test_unknown_prospect_is_not_found():
    with pytest.raises(NotFound):
        prospect_approve(prospect_number="PR-404404", actor="bo")


def _spec(key: str) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.PROSPECT_REJECTED,
        event_key=key,
        recipient="anna@example.pl",
        language="en",
        context={"first_name": "Anna", "last_name": "Nowak", "company_name": "Ącki", "reason": ""},
    )


def test_an_event_queues_its_email_once():
    email_notifications_queue(specs=[_spec("event-1")])
    email_notifications_queue(specs=[_spec("event-1")])
    assert EmailNotification.objects.count() == 1
