"""Who may open what in the Sales console (consoles/sales.py, sales/admin/leads.py)."""

import pytest

from sales.models import Lead, Note
from tests.factories import LeadFactory, OpportunityFactory

from .support import LEADS_URL, page_text, sales_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_back_office_opens_all_b2b_commerce_leads_read_only(back_office):
    lead = LeadFactory(b2b_commerce=True, prospect_number="PR-000321")
    LeadFactory(lead_source="web", topic="Lead ze strony")

    assert back_office.get("/sales/").url.endswith("?view=all-b2b-commerce-leads")
    page = page_text(back_office.get(LEADS_URL))
    assert "PR-000321" in page
    assert "Lead ze strony" not in page
    assert "My open leads" not in page

    detail = page_text(back_office.get(sales_url("lead_change", lead.pk)))
    assert "PR-000321" in detail
    assert 'name="_save"' not in detail
    assert sales_url("lead_qualify", lead.pk) not in detail
    assert "Add note" not in detail


def test_back_office_cannot_qualify_or_open_other_pages(back_office):
    lead = LeadFactory(b2b_commerce=True)
    web_lead = LeadFactory(lead_source="web")
    opportunity = OpportunityFactory()

    assert back_office.get(sales_url("lead_qualify", lead.pk)).status_code == 403
    assert (
        back_office.post(
            sales_url("lead_qualify", lead.pk), {"account": "new", "contact": "new"}
        ).status_code
        == 403
    )
    assert back_office.post(sales_url("lead_note", lead.pk), {"text": "x"}).status_code == 403
    assert back_office.get(sales_url("opportunity_change", opportunity.pk)).status_code == 403
    assert back_office.get(sales_url("account_changelist")).status_code == 403
    assert back_office.get(sales_url("lead_change", web_lead.pk)).status_code == 302  # not found
    assert back_office.post(sales_url("lead_change", lead.pk), {"topic": "x"}).status_code == 403
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN
    assert not Note.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_anonymous_and_partner_users_are_sent_to_the_login(client, partner_user, who):
    if who == "partner":
        client.force_login(partner_user)
    lead = LeadFactory(b2b_commerce=True)

    for url in (LEADS_URL, sales_url("lead_change", lead.pk), sales_url("lead_qualify", lead.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/sales/login/")


def test_a_rep_signs_in_by_group_and_a_partner_cannot(client, rep_user, partner_user):
    refused = client.post(
        "/sales/login/", {"username": "partner", "password": "correct horse battery staple"}
    )
    assert "Sales account" in page_text(refused)

    response = client.post(
        "/sales/login/", {"username": "jan.rep", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert "Sales console" in page_text(client.get("/sales/"))
