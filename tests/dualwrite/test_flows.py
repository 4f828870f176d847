"""The integrated flow of SPEC §3 steps 4 to 8, with the relays called in place of the worker."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from commerce.emails.mailer import email_notifications_send_due
from commerce.jobs import job_execute
from commerce.models import (
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Invitation,
    Prospect,
    TransitionLog,
)
from commerce.selectors import email_notification_content
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
    assert prospect.decided_by == "rep (Sales) via dual-write"
    assert (prospect.sales_lead, prospect.sales_opportunity) == (
        str(lead.pk),
        qualified.opportunity.opportunity_number,
    )
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
    assert prospect.reason_category == "no_longer_interested"
    rejected = EmailNotification.objects.get(type="prospect_rejected")
    assert "No longer interested" not in email_notification_content(rejected).body_text


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


def _qualified(lead: Lead, **kwargs) -> sales.LeadQualification:
    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", **kwargs)
    _relay_all()
    return qualified


def _won(opportunity_id: int) -> None:
    sales.opportunity_close_as_won(
        opportunity_id=opportunity_id,
        actual_revenue=Decimal("1000"),
        close_date=datetime.date(2026, 12, 1),
        description="",
        actor="rep",
    )
    _relay_all()


def test_a_win_with_the_reps_existing_account_uses_that_organization(django_user_model):
    """Issue 10, seen 1: HQ built a second organization for the account the rep linked."""
    django_user_model.objects.create(username="rep", first_name="Anna", last_name="Nováková")
    first, first_lead = _lead_for_new_request(company_name="Kůň a.s.", email="jan@kun.cz")
    earlier = _qualified(first_lead, ignore_duplicates=True)
    _won(earlier.opportunity.pk)
    first.refresh_from_db()
    admin_email_before = EmailNotification.objects.count()

    OnboardingRequestFactory(company_name="Kůň a.s.", email="petra@kun.cz", first_name="Petra")
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")
    _relay_all()
    second = Prospect.objects.exclude(pk=first.pk).get()
    lead = Lead.objects.get(prospect_number=second.prospect_number)
    qualified = _qualified(lead, existing_account_number=earlier.account.account_number)
    _won(qualified.opportunity.pk)

    second.refresh_from_db()
    assert second.status == Prospect.Status.APPROVED
    assert second.decided_by == "Anna Nováková (Sales) via dual-write"
    organizations = Customer.objects.filter(party_type="organization")
    assert [o.account_number for o in organizations] == [earlier.account.account_number]
    assert second.organization_customer == earlier.account.account_number
    assert qualified.account.prospect_number == second.prospect_number  # points at the new one
    assert organizations.get().prospect_number == second.prospect_number
    # The organization already had its B2B hierarchy: the requester joins it as a user.
    assert CustomerHierarchy.objects.count() == 1
    hierarchy = CustomerHierarchy.objects.get()
    assert second.customer_hierarchy == first.customer_hierarchy == hierarchy.hierarchy_id
    roles = dict(
        HierarchyMember.objects.filter(hierarchy=hierarchy).values_list("customer__email", "role")
    )
    assert roles == {"jan@kun.cz": "admin", "petra@kun.cz": "user"}
    joined = EmailNotification.objects.filter(type="partner_user_joined")
    assert [n.recipient for n in joined] == ["jan@kun.cz"]
    assert EmailNotification.objects.count() > admin_email_before


def test_the_approval_email_and_the_invitation_go_to_the_corrected_email():
    """Issue 10, seen 4: the email went to the prospect's old address, the invitation not."""
    prospect, lead = _lead_for_new_request(email="old@kun.cz")
    qualified = _qualified(lead, ignore_duplicates=True)
    sales.contact_update(contact_id=qualified.contact.pk, values={"email": "new@kun.cz"})
    _won(qualified.opportunity.pk)

    prospect.refresh_from_db()
    approved = EmailNotification.objects.get(type="prospect_approved")
    invitation = Invitation.objects.get()
    person = Customer.objects.get(account_number=prospect.person_customer)
    assert approved.recipient == invitation.email == person.email == "new@kun.cz"
    assert HierarchyMember.objects.get(role="admin").customer == person


def test_the_decision_carries_the_contact_even_when_its_own_map_is_paused():
    from dualwrite.services import map_pause

    prospect, lead = _lead_for_new_request(email="old@kun.cz")
    qualified = _qualified(lead, ignore_duplicates=True)
    map_pause(code="contacts_person_customers", actor="integrator")
    sales.contact_update(contact_id=qualified.contact.pk, values={"email": "new@kun.cz"})
    _won(qualified.opportunity.pk)

    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.APPROVED
    assert EmailNotification.objects.get(type="prospect_approved").recipient == "new@kun.cz"


def test_disqualify_reactivate_then_win_approves_the_prospect():
    """Issue 10, seen 3: the win after a reactivation vanished; the prospect stayed rejected."""
    prospect, lead = _lead_for_new_request()
    sales.lead_disqualify(lead_id=lead.pk, status_reason="cannot_contact", actor="rep")
    _relay_all()
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.REJECTED

    sales.lead_reactivate(lead_id=lead.pk, actor="rep")
    _relay_all()
    prospect.refresh_from_db()
    assert (prospect.status, prospect.status_reason) == (Prospect.Status.NEW, "")
    assert EmailNotification.objects.filter(type="prospect_rejected").count() == 1  # no email

    qualified = _qualified(lead, ignore_duplicates=True)
    _won(qualified.opportunity.pk)
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.APPROVED
    transitions = list(
        TransitionLog.objects.filter(object_key=prospect.prospect_number).values_list(
            "transition", "actor"
        )
    )
    assert [t for t, _ in transitions] == ["reject", "reopen", "approve"]
    assert all(actor == "rep (Sales) via dual-write" for _, actor in transitions)


def test_a_decision_commerce_cannot_apply_is_a_delivery_error_shown_on_both_records():
    from dualwrite.models import DeliveryError
    from sales.models import Opportunity

    prospect, lead = _lead_for_new_request()
    qualified = _qualified(lead, ignore_duplicates=True)
    prospect.reject(by="backoffice", reason="Decided by hand")  # as if HQ decided meanwhile
    prospect.save()
    _won(qualified.opportunity.pk)

    error = DeliveryError.objects.get(map="opportunity_status_to_prospects")
    assert prospect.prospect_number in error.error and "already rejected" in error.error
    prospect.refresh_from_db()
    assert "already rejected" in prospect.sync_error
    opportunity = Opportunity.objects.get(pk=qualified.opportunity.pk)
    assert "already rejected" in opportunity.sync_error


def test_the_prospect_shows_who_decided_in_sales_and_the_sales_records(client, django_user_model):
    from django.contrib.auth.models import Group

    from core.access import COMMERCE_BACK_OFFICE

    django_user_model.objects.create(username="rep", first_name="Anna", last_name="Nováková")
    prospect, lead = _lead_for_new_request()
    qualified = _qualified(lead, ignore_duplicates=True)
    _won(qualified.opportunity.pk)
    prospect.refresh_from_db()

    user = django_user_model.objects.create_user("bo", password="pw-2026-x", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=COMMERCE_BACK_OFFICE)[0])
    client.force_login(user)
    page = client.get(f"/hq/commerce/prospect/{prospect.pk}/change/").content.decode()
    assert "Decided in Sales by Anna Nováková (Sales) via dual-write" in page
    for key in (
        f"lead {lead.pk}",
        f"opportunity {qualified.opportunity.opportunity_number}",
        f"account {qualified.account.account_number}",
        f"contact {qualified.contact.contact_number}",
    ):
        assert key in page
    api = client.get(f"/api/commerce/prospects/{prospect.prospect_number}/").json()
    assert api["decided_by"] == "Anna Nováková (Sales) via dual-write"
    assert (api["sales_lead"], api["sales_opportunity"]) == (
        str(lead.pk),
        qualified.opportunity.opportunity_number,
    )
