"""Issue 10's observations through the real broker, worker and SMTP (SPEC §7 fidelity, §8, §9).

The test process plays the requester and the sales rep; the worker relays every decision.
"""

import datetime
from decimal import Decimal

import pytest

from commerce import services as commerce
from commerce.models import (
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Invitation,
    Prospect,
)
from dualwrite.models import ConflictEntry
from dualwrite.services import map_pause, map_resume
from sales import services as sales
from sales.models import Account

from .support import wait_until
from .test_sales_flows import TIMEOUT, _decided, _lead_for, _mail, _sign_up

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
    pytest.mark.parametrize("sales_integration_enabled", [True], indirect=True),
    pytest.mark.usefixtures("dualwrite_running"),
]


def _win(opportunity_id: int) -> None:
    sales.opportunity_close_as_won(
        opportunity_id=opportunity_id,
        actual_revenue=Decimal("12500.50"),
        close_date=datetime.date(2026, 12, 1),
        description="Podepsáno",
        actor="rep",
    )


def _customers_arrived(*numbers: str) -> None:
    wait_until(
        lambda: Customer.objects.filter(account_number__in=numbers).count() == len(numbers),
        TIMEOUT,
    )


def test_a_win_on_the_reps_existing_account_keeps_one_organization(celery_worker, smtp_server):
    """Seen 1: HQ built a second organization with the same name."""
    first, first_lead = _lead_for(_sign_up("jiri@kun-brno.cz", "Kůň Brno s.r.o."))
    earlier = sales.lead_qualify(lead_id=first_lead.pk, actor="rep", ignore_duplicates=True)
    _win(earlier.opportunity.pk)
    assert _decided(first).status == Prospect.Status.APPROVED

    second, lead = _lead_for(_sign_up("petra@kun-brno.cz", "Kůň Brno s.r.o."))
    qualified = sales.lead_qualify(
        lead_id=lead.pk, actor="rep", existing_account_number=earlier.account.account_number
    )
    _win(qualified.opportunity.pk)

    assert _decided(second).status == Prospect.Status.APPROVED
    assert list(
        Customer.objects.filter(party_type="organization").values_list("account_number", flat=True)
    ) == [earlier.account.account_number]
    assert second.organization_customer == earlier.account.account_number
    assert CustomerHierarchy.objects.count() == 1
    member = HierarchyMember.objects.get(customer__account_number=second.person_customer)
    assert member.role == "user"
    wait_until(
        lambda: (
            Account.objects.get(account_number=earlier.account.account_number).prospect_number
            == second.prospect_number
        ),
        TIMEOUT,
    )
    _mail(smtp_server, "jiri@kun-brno.cz", "partner_user_joined")  # the admin is told
    _mail(smtp_server, "petra@kun-brno.cz", "prospect_approved")


def test_an_unrelated_hq_edit_does_not_revert_the_reps_change(celery_worker):
    """Seen 2: with the accounts map paused, a credit limit set in HQ put the old phone back."""
    _, lead = _lead_for(_sign_up("eva@telefon.cz", "Telefon a.s."))
    account = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True).account
    _customers_arrived(account.account_number)
    map_pause(code="accounts_organization_customers", actor="integrator")

    sales.account_update(account_id=account.pk, values={"phone": "+420 777 888 999"})
    commerce.customer_credit_limit_set(
        account_number=account.account_number,
        credit_limit="50000",
        currency="CZK",
        credit_limit_type="balance",
        actor="backoffice",
    )
    map_resume(code="accounts_organization_customers", actor="integrator")

    wait_until(
        lambda: (
            Customer.objects.get(account_number=account.account_number).phone == "+420 777 888 999"
        ),
        TIMEOUT,
    )
    customer = Customer.objects.get(account_number=account.account_number)
    assert (customer.credit_limit, customer.currency) == (Decimal("50000.00"), "CZK")
    assert Account.objects.get(pk=account.pk).phone == "+420 777 888 999"
    assert not ConflictEntry.objects.exists()


def test_a_win_after_reactivation_approves(celery_worker, smtp_server):
    """Seen 3: disqualify → reactivate → qualify → won left the prospect rejected."""
    prospect, lead = _lead_for(_sign_up("ola@hurt-lodz.pl", "Hurt Łódź Sp. z o.o."))
    sales.lead_disqualify(lead_id=lead.pk, status_reason="cannot_contact", actor="rep")
    assert _decided(prospect).status == Prospect.Status.REJECTED
    _mail(smtp_server, "ola@hurt-lodz.pl", "prospect_rejected")

    sales.lead_reactivate(lead_id=lead.pk, actor="rep")

    def reopened():
        prospect.refresh_from_db()
        return prospect.status == Prospect.Status.NEW

    wait_until(reopened, TIMEOUT)
    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
    _win(qualified.opportunity.pk)

    def approved():
        prospect.refresh_from_db()
        return prospect.status == Prospect.Status.APPROVED

    wait_until(approved, TIMEOUT)
    _mail(smtp_server, "ola@hurt-lodz.pl", "prospect_approved")


def test_the_approval_email_and_invitation_go_to_the_corrected_address(celery_worker, smtp_server):
    """Seen 4: the email went to the old address, the invitation to the new one."""
    prospect, lead = _lead_for(_sign_up("stary@kun.cz", "Kůň Opava s.r.o."))
    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
    sales.contact_update(contact_id=qualified.contact.pk, values={"email": "novy@kun.cz"})
    _win(qualified.opportunity.pk)

    assert _decided(prospect).status == Prospect.Status.APPROVED
    (approved,) = _mail(smtp_server, "novy@kun.cz", "prospect_approved")
    assert "/partner/invitation/" in approved.get_body(("plain",)).get_content()
    assert Invitation.objects.get().email == "novy@kun.cz"
    assert list(
        EmailNotification.objects.filter(type="prospect_approved").values_list(
            "recipient", flat=True
        )
    ) == ["novy@kun.cz"]


def test_the_decline_email_names_no_competitor_and_speaks_czech(celery_worker, smtp_server):
    """Seen 7: "Reason: Out-sold (Cheap Bolts GmbH)", and English reasons in Czech emails."""
    prospect, lead = _lead_for(_sign_up("karel@sroubky.cz", "Šroubky Zlín s.r.o."))
    qualified = sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
    sales.opportunity_close_as_lost(
        opportunity_id=qualified.opportunity.pk,
        status_reason="out_sold",
        competitor="Cheap Bolts GmbH",
        close_date=datetime.date(2026, 12, 1),
        description="Jejich cena byla nižší.",
        actor="rep",
    )

    assert _decided(prospect).status == Prospect.Status.REJECTED
    assert prospect.status_reason == "Out-sold (Cheap Bolts GmbH)"  # internal, kept in HQ
    (rejected,) = _mail(smtp_server, "karel@sroubky.cz", "prospect_rejected")
    body = rejected.get_body(("plain",)).get_content()
    for internal in ("Cheap Bolts", "Out-sold", "Jejich cena", "Reason", "Důvod"):
        assert internal not in body
    assert "Děkujeme za zvážení naší nabídky" in body
