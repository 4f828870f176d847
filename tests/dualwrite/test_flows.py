"""The integrated flow of SPEC §3 steps 4 to 8, with the relays called in place of the worker."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from commerce.jobs import job_execute
from commerce.models import (
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Prospect,
)
from commerce.selectors import email_notification_content
from commerce.services import email_notifications_send_due
from core.errors import NotAllowed
from dualwrite.relay import outbox_relay
from sales import services as sales
from sales.models import Lead
from tests.factories import OnboardingRequestFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def _integration_on(settings, dualwrite_running):
    settings.SALES_INTEGRATION_ENABLED = True


def _relay_all() -> None:
    for source in ("commerce", "sales"):
        outbox_relay(source=source)


def _lead_for_new_request(**request_fields) -> tuple[Prospect, Lead]:
    OnboardingRequestFactory(**request_fields)
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")
    _relay_all()
    prospect = Prospect.objects.get()
    return prospect, Lead.objects.get(prospect_number=prospect.prospect_number)


def test_won_opportunity_approves_the_prospect_with_the_dual_written_customers():
    prospect, lead = _lead_for_new_request(company_name="Žluťoučký kůň s.r.o.", first_name="Jiří")
    assert lead.owner == "integration"
    assert lead.company_name == "Žluťoučký kůň s.r.o."

    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
    _relay_all()
    organization = Customer.objects.get(account_number=qualified.account.account_number)
    person = Customer.objects.get(account_number=qualified.contact.contact_number)
    assert (organization.party_type, organization.name) == ("organization", "Žluťoučký kůň s.r.o.")
    assert (person.party_type, person.first_name) == ("person", "Jiří")
    assert organization.prospect_number == person.prospect_number == prospect.prospect_number

    sales.opportunity_close_as_won(
        opportunity_id=qualified.opportunity.pk,
        actual_revenue=Decimal("125000.00"),
        close_date=datetime.date(2026, 11, 23),
        description="Signed",
        actor="rep",
    )
    _relay_all()

    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.APPROVED
    assert prospect.decided_by == "dual-write"
    assert prospect.organization_customer == organization.account_number
    assert prospect.person_customer == person.account_number
    assert Customer.objects.count() == 2
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=prospect.customer_hierarchy)
    assert hierarchy.organization == organization
    assert HierarchyMember.objects.get(hierarchy=hierarchy).customer == person
    email_notifications_send_due()  # the worker does this on commit
    assert EmailNotification.objects.filter(type="prospect_approved", status="sent").count() == 1
    assert any("/partner/invitation/" in message.body for message in mail.outbox)


def test_disqualified_lead_rejects_the_prospect_with_the_reason():
    prospect, lead = _lead_for_new_request()
    sales.lead_disqualify(lead_id=lead.pk, status_reason="no_longer_interested", actor="rep")
    _relay_all()
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.REJECTED
    assert prospect.status_reason == "No longer interested"
    rejected = EmailNotification.objects.get(type="prospect_rejected")
    assert "No longer interested" in email_notification_content(rejected).body_text


def test_lost_opportunity_rejects_the_prospect_naming_the_competitor():
    prospect, lead = _lead_for_new_request()
    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
    sales.opportunity_close_as_lost(
        opportunity_id=qualified.opportunity.pk,
        status_reason="out_sold",
        competitor="Konkurencja Łódź",
        close_date=datetime.date(2026, 11, 23),
        description="",
        actor="rep",
    )
    _relay_all()
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.REJECTED
    assert prospect.status_reason == "Out-sold (Konkurencja Łódź)"
    assert CustomerHierarchy.objects.count() == 0


def test_hq_refuses_manual_decisions_while_sales_decides():
    from commerce.services import prospect_approve

    prospect, _ = _lead_for_new_request()
    with pytest.raises(NotAllowed):
        prospect_approve(prospect_number=prospect.prospect_number, actor="backoffice")
