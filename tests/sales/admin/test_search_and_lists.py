"""Accounts and contacts are picked by search (the admin's autocomplete), never by typing a
number; the lists show their key columns within 1280 px (sales/forms.py, sales/admin/)."""

import json
import re

import pytest

from sales.models import Lead
from tests.factories import AccountFactory, ContactFactory, LeadFactory, OpportunityFactory

from .support import LEADS_URL, page_text, sales_url

pytestmark = pytest.mark.django_db(databases="__all__")

AUTOCOMPLETE_URL = "/sales/autocomplete/"


def test_the_qualify_page_searches_for_the_other_account_and_contact(rep):
    lead = LeadFactory()

    page = page_text(rep.get(sales_url("lead_qualify", lead.pk)))

    for name, field in (("other_account", "account"), ("other_contact", "contact")):
        select = page[page.index(f'name="{name}"') - 400 : page.index(f'name="{name}"') + 400]
        assert "admin-autocomplete" in select
        assert f'data-field-name="{field}"' in select and 'data-model-name="lead"' in select
    assert "admin/js/autocomplete.js" in page  # the widget's script, a static file
    assert "other_account_number" not in page and "other_contact_number" not in page


def search(client, field: str, term: str) -> list[str]:
    response = client.get(
        AUTOCOMPLETE_URL,
        {"app_label": "sales", "model_name": "lead", "field_name": field, "term": term},
    )
    assert response.status_code == 200, response
    return [result["text"] for result in json.loads(response.content)["results"]]


def test_the_search_answers_a_rep_by_name_or_number(rep):
    account = AccountFactory(account_number="A-000100", name="Hurtownia Żółw sp. z o.o.")
    AccountFactory(name="Koník a.s.")
    ContactFactory(contact_number="CT-000200", last_name="Wiśniewska", account=account)

    assert search(rep, "account", "Żółw") == ["A-000100 Hurtownia Żółw sp. z o.o."]
    assert search(rep, "account", "A-000100") == ["A-000100 Hurtownia Żółw sp. z o.o."]
    assert search(rep, "contact", "Wiśniewska") == ["CT-000200 Jiří Wiśniewska"]


def test_the_search_is_closed_to_back_office(back_office):
    AccountFactory(name="Hurtownia Żółw sp. z o.o.")
    response = back_office.get(
        AUTOCOMPLETE_URL,
        {"app_label": "sales", "model_name": "lead", "field_name": "account", "term": "Żółw"},
    )
    assert response.status_code == 403


def test_qualify_links_the_account_chosen_by_search(rep):
    account = AccountFactory()
    lead = LeadFactory()

    response = rep.post(
        sales_url("lead_qualify", lead.pk),
        {"account": "other", "other_account": str(account.pk), "contact": "none"},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.account) == (Lead.Status.QUALIFIED, account)


def column_headers(page: str) -> list[str]:
    head = page[page.index('<table id="result_list">') : page.index("</thead>")]
    return re.findall(r'<th scope="col" class="[^"]*\bcolumn-(\w+)', head)


def test_the_lead_list_shows_status_reason_owner_and_created(rep):
    LeadFactory(owner="jan.rep", status_reason="contacted", topic="Targi Poznań")

    page = page_text(rep.get(LEADS_URL, {"view": "all"}))

    assert column_headers(page) == [
        "topic",
        "company_name",
        "contact_name",
        "prospect",
        "status_with_reason",
        "owner",
        "created_on",
    ]
    assert "Open · Contacted" in page


def test_the_opportunity_list_shows_its_key_columns_and_money(rep):
    OpportunityFactory(estimated_revenue="12500.50", status_reason="on_hold")

    page = page_text(rep.get(sales_url("opportunity_changelist")))

    assert column_headers(page) == [
        "number",
        "topic",
        "account",
        "owner",
        "status_with_reason",
        "revenue",
        "close_date",
    ]
    assert "Open · On hold" in page and "12,500.50" in page and "PLN" in page


def test_the_account_and_contact_lists_show_their_key_columns(rep):
    ContactFactory(account=AccountFactory())

    accounts = column_headers(page_text(rep.get(sales_url("account_changelist"))))
    contacts = column_headers(page_text(rep.get(sales_url("contact_changelist"))))

    assert accounts[:2] == ["account_number", "name"] and "country" in accounts
    assert contacts[:2] == ["contact_number", "name"] and "account" in contacts
