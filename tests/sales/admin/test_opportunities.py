"""The Sales console's opportunities, accounts and contacts: the close forms and edits through
the services (sales/admin/opportunities.py, accounts.py)."""

from datetime import date

import pytest

from sales.models import Account, Note, Opportunity, OpportunityClose
from tests.factories import AccountFactory, ContactFactory, LeadFactory, OpportunityFactory

from .support import message_texts, page_text, sales_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_close_as_won_dialog(rep):
    opportunity = OpportunityFactory(topic="Hurt Łódź")

    page = page_text(rep.get(sales_url("opportunity_change", opportunity.pk)))
    assert sales_url("opportunity_close-as-won", opportunity.pk) in page
    form = page_text(rep.get(sales_url("opportunity_close-as-won", opportunity.pk)))
    assert "Actual revenue" in form and date.today().isoformat() in form

    response = rep.post(
        sales_url("opportunity_close-as-won", opportunity.pk),
        {"actual_revenue": "1500.00", "close_date": "2025-03-01", "description": "Podpisano"},
        follow=True,
    )

    assert "The opportunity is closed as won." in message_texts(response)
    opportunity.refresh_from_db()
    assert (opportunity.status, str(opportunity.actual_revenue)) == ("won", "1500.00")
    close = OpportunityClose.objects.get()
    assert (close.outcome, close.close_date, close.closed_by) == (
        "won",
        date(2025, 3, 1),
        "jan.rep",
    )
    page = page_text(response)
    assert "Podpisano" in page
    assert sales_url("opportunity_close-as-won", opportunity.pk) not in page


def test_close_as_lost_dialog_and_bad_input(rep):
    opportunity = OpportunityFactory()
    url = sales_url("opportunity_close-as-lost", opportunity.pk)

    page = page_text(rep.post(url, {"status_reason": "in_progress", "close_date": "2025-03-01"}))
    assert "Select a valid choice" in page

    response = rep.post(
        url,
        {
            "status_reason": "out_sold",
            "competitor": "Koník a.s.",
            "close_date": "2025-03-01",
            "description": "",
        },
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.status_reason, opportunity.competitor) == (
        "lost",
        "out_sold",
        "Koník a.s.",
    )


def test_opportunity_page_shows_notes_copied_from_the_lead(rep):
    lead = LeadFactory()
    Note.objects.create(lead=lead, author="integration", text="Notatka z leada")
    rep.post(
        sales_url("lead_qualify", lead.pk),
        {"account": "new", "contact": "new", "create_opportunity": "on"},
    )

    opportunity = Opportunity.objects.get(originating_lead=lead)
    page = page_text(rep.get(sales_url("opportunity_change", opportunity.pk)))

    assert "Notatka z leada" in page


def test_accounts_and_contacts_are_listed(rep):
    account = AccountFactory(name="Žluťoučký kůň s.r.o.")
    ContactFactory(last_name="Dvořáková", account=account)

    assert "Žluťoučký kůň s.r.o." in page_text(rep.get(sales_url("account_changelist")))
    assert "Dvořáková" in page_text(rep.get(sales_url("contact_changelist")))
    assert "Dvořáková" in page_text(rep.get(sales_url("account_change", account.pk)))


def test_a_rep_edits_an_account_and_an_opportunity_through_the_services(rep):
    account = AccountFactory(name="Stara nazwa", country="PL")
    data = {name: getattr(account, name) for name in Account.EDITABLE_FIELD_NAMES}

    response = rep.post(
        sales_url("account_change", account.pk), {**data, "country": "PL", "name": "ŁÓDŹ Hurt"}
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.company_name_key, account.version) == (
        "ŁÓDŹ Hurt",
        "lodz hurt",
        2,
    )

    opportunity = OpportunityFactory()
    response = rep.post(
        sales_url("opportunity_change", opportunity.pk),
        {
            "topic": "Nowy temat",
            "status_reason": "on_hold",
            "estimated_revenue": "100",
            "description": "",
        },
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.topic, opportunity.status_reason, opportunity.version) == (
        "Nowy temat",
        "on_hold",
        2,
    )


def test_a_closed_opportunity_page_is_read_only(rep):
    opportunity = OpportunityFactory(status="won")
    page = page_text(rep.get(sales_url("opportunity_change", opportunity.pk)))
    assert 'name="_save"' not in page
    assert sales_url("opportunity_close-as-won", opportunity.pk) not in page
    response = rep.post(
        sales_url("opportunity_close-as-won", opportunity.pk),
        {"actual_revenue": "1", "close_date": "2025-03-01"},
    )
    assert any("Only an open opportunity can be closed" in m for m in message_texts(response))
    assert not OpportunityClose.objects.exists()
