"""The integrated flows of SPEC §3 steps 4 to 8 through the real broker, worker and SMTP.

The test process plays the requester (JSON sign-up) and the sales rep (Sales services); the
worker runs the jobs, the dual-write relays and the mailer, as in production.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from commerce.models import (
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Prospect,
)
from dualwrite.models import InboxMessage, OutboxMessage
from sales import services as sales
from sales.models import Account, Contact, Lead, Opportunity

from .support import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
    pytest.mark.parametrize("sales_integration_enabled", [True], indirect=True),
    pytest.mark.usefixtures("dualwrite_running"),
]

TIMEOUT = 30


def _sign_up(email: str, company: str) -> uuid.UUID:
    response = Client().post(
        "/api/channel/onboarding-requests/",
        {
            "company_name": company,
            "first_name": "Jiří",
            "last_name": "Dvořák-Żółć",
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
    return uuid.UUID(response.json()["request_id"])


def _lead_for(request_id: uuid.UUID) -> tuple[Prospect, Lead]:
    def lead_exists():
        prospect = Prospect.objects.filter(request_id=request_id).first()
        lead = prospect and Lead.objects.filter(prospect_number=prospect.prospect_number).first()
        return lead and (prospect, lead)

    return wait_until(lead_exists, TIMEOUT)


def _decided(prospect: Prospect) -> Prospect:
    def decided():
        prospect.refresh_from_db()
        return prospect.status != Prospect.Status.NEW

    wait_until(decided, TIMEOUT)
    return prospect


def _mail(smtp_server, recipient: str, notification_type: str):
    def delivered():
        subjects = set(
            EmailNotification.objects.filter(
                type=notification_type, recipient=recipient, status="sent"
            ).values_list("subject", flat=True)
        )
        return [m for m in smtp_server.messages_to(recipient) if m["Subject"] in subjects]

    return wait_until(delivered, TIMEOUT)


def _no_undelivered_messages() -> None:
    for alias in ("commerce", "sales"):
        wait_until(
            lambda alias=alias: (
                not OutboxMessage.objects.using(alias)
                .exclude(state=OutboxMessage.State.DELIVERED)
                .exists()
            ),
            TIMEOUT,
        )


def test_qualify_and_win_approves_the_prospect_with_the_dual_written_customers(
    celery_worker, smtp_server
):
    email = "jiri@kun-brno.cz"
    prospect, lead = _lead_for(_sign_up(email, "Žluťoučký kůň s.r.o."))
    assert lead.owner == "integration" and lead.created_by_integration
    assert lead.company_name == "Žluťoučký kůň s.r.o."
    assert lead.comments == "Žluťoučký kůň úpěl ďábelské ódy."

    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
    wait_until(
        lambda: (
            Customer.objects.filter(
                account_number__in=[
                    qualified.account.account_number,
                    qualified.contact.contact_number,
                ]
            ).count()
            == 2
        ),
        TIMEOUT,
    )
    sales.opportunity_close_as_won(
        opportunity_id=qualified.opportunity.pk,
        actual_revenue=Decimal("99000"),
        close_date=datetime.date(2026, 11, 23),
        description="Smlouva podepsána",
        actor="rep",
    )

    _decided(prospect)
    assert prospect.status == Prospect.Status.APPROVED
    organization = Customer.objects.get(account_number=qualified.account.account_number)
    person = Customer.objects.get(account_number=qualified.contact.contact_number)
    assert organization.name == "Žluťoučký kůň s.r.o."
    assert person.last_name == "Dvořák-Żółć"
    assert prospect.organization_customer == organization.account_number
    assert prospect.person_customer == person.account_number
    assert Customer.objects.count() == 2  # reused, not created again
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=prospect.customer_hierarchy)
    admin = HierarchyMember.objects.get(hierarchy=hierarchy)
    assert (admin.customer, admin.role) == (person, "admin")

    (approved,) = _mail(smtp_server, email, "prospect_approved")
    assert "/partner/invitation/" in approved.get_body(("plain",)).get_content()
    assert Opportunity.objects.get(pk=qualified.opportunity.pk).status == "won"
    assert Account.objects.get().account_number == organization.account_number
    assert Contact.objects.get().contact_number == person.account_number
    _no_undelivered_messages()
    assert InboxMessage.objects.using("commerce").count() == 3  # account, contact, won
    assert InboxMessage.objects.using("sales").count() == 1  # the lead


def test_disqualified_lead_rejects_the_prospect_with_its_reason(celery_worker, smtp_server):
    email = "eva@ucetni-praha.cz"
    prospect, lead = _lead_for(_sign_up(email, "Účetní Praha a.s."))

    sales.lead_disqualify(lead_id=lead.pk, status_reason="no_longer_interested", actor="rep")

    _decided(prospect)
    assert prospect.status == Prospect.Status.REJECTED
    assert prospect.status_reason == "No longer interested"
    (rejected,) = _mail(smtp_server, email, "prospect_rejected")
    body = rejected.get_body(("plain",)).get_content()
    assert "No longer interested" not in body  # internal to HQ
    assert "nemáte zájem" in body  # the Czech customer-facing line (SPEC §9)
    assert not Customer.objects.exists()
    assert not CustomerHierarchy.objects.exists()
    _no_undelivered_messages()


def test_qualify_and_lose_out_sold_rejects_the_prospect(celery_worker, smtp_server):
    email = "ola@lodz-hurt.pl"
    prospect, lead = _lead_for(_sign_up(email, "Hurt Łódź Sp. z o.o."))
    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)

    sales.opportunity_close_as_lost(
        opportunity_id=qualified.opportunity.pk,
        status_reason="out_sold",
        competitor="Konkurent Łódź",
        close_date=datetime.date(2026, 11, 23),
        description="Cena",
        actor="rep",
    )

    _decided(prospect)
    assert prospect.status == Prospect.Status.REJECTED
    assert prospect.status_reason == "Out-sold (Konkurent Łódź)"
    (rejected,) = _mail(smtp_server, email, "prospect_rejected")
    body = rejected.get_body(("plain",)).get_content()
    assert "Out-sold" not in body and "Konkurent" not in body and "Cena" not in body
    assert not CustomerHierarchy.objects.exists()
    _no_undelivered_messages()
