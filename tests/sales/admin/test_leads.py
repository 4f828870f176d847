"""The Sales console's leads: views, the lead form and timeline, notes, and the Qualify,
Disqualify and Reactivate forms (sales/admin/leads.py)."""

from datetime import UTC, datetime

import pytest

from sales.models import Account, Contact, Lead, Note, Opportunity
from sales.services import lead_disqualify
from tests.factories import AccountFactory, ContactFactory, LeadFactory, OpportunityFactory

from .support import LEADS_URL, message_texts, page_text, sales_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_my_open_leads_is_the_reps_default_and_excludes_integration_leads(rep):
    mine = LeadFactory(owner="jan.rep", topic="Mój lead z Łodzi")
    LeadFactory(owner="jan.rep", topic="Mój zamknięty", status="disqualified")
    LeadFactory(owner="other.rep", topic="Cudzy lead")
    LeadFactory(b2b_commerce=True, topic="B2B partner request: Żółw")

    page = page_text(rep.get(LEADS_URL))

    assert "My open leads" in page
    assert "Mój lead z Łodzi" in page
    assert sales_url("lead_change", mine.pk) in page
    assert "Mój zamknięty" not in page
    assert "Cudzy lead" not in page
    assert "B2B partner request: Żółw" not in page
    assert "All B2B commerce leads" in page  # the switcher offers the other view


def test_all_b2b_commerce_leads_lists_every_owner_with_prospect_number_and_status(rep):
    integration = LeadFactory(
        b2b_commerce=True, company_name="Žluťoučký kůň s.r.o.", prospect_number="PR-000042"
    )
    disqualified = LeadFactory(
        b2b_commerce=True, owner="other.rep", status="disqualified", prospect_number="PR-000043"
    )
    LeadFactory(owner="jan.rep", lead_source="web", topic="Lead ze strony")

    page = page_text(rep.get(LEADS_URL, {"view": "all-b2b-commerce-leads"}))

    assert "<title>All B2B commerce leads" in page
    assert "Žluťoučký kůň s.r.o." in page
    assert "PR-000042" in page and "PR-000043" in page
    assert sales_url("lead_change", integration.pk) in page
    assert sales_url("lead_change", disqualified.pk) in page
    assert "Disqualified" in page
    assert "Lead ze strony" not in page


def test_lead_form_has_contact_and_company_sections_and_timeline_newest_first(rep):
    lead = LeadFactory(owner="jan.rep", company_name="Łódź <b>Hurt</b>", first_name="Zofia")
    Note.objects.create(
        lead=lead,
        author="integration",
        text="Starsza notatka",
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    lead_disqualify(
        lead_id=lead.pk,
        status_reason="cannot_contact",
        actor="jan.rep",
        description="Brak odpowiedzi",
    )

    page = page_text(rep.get(sales_url("lead_change", lead.pk)))

    assert ">Contact</h2>" in page and ">Company</h2>" in page
    assert "Łódź &lt;b&gt;Hurt&lt;/b&gt;" in page  # HTML is kept as text, escaped
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("Cannot contact: Brak odpowiedzi") < timeline.index("Starsza notatka")
    assert sales_url("lead_reactivate", lead.pk) in page
    assert sales_url("lead_qualify", lead.pk) not in page


def test_add_a_note_from_the_lead_page(rep):
    lead = LeadFactory(owner="jan.rep")

    response = rep.post(sales_url("lead_note", lead.pk), {"text": "Zadzwonić jutro"}, follow=True)

    assert "The note was added." in message_texts(response)
    assert "Zadzwonić jutro" in page_text(response)
    assert Note.objects.get(lead=lead).author == "jan.rep"


def test_an_empty_note_is_refused_with_a_message(rep):
    lead = LeadFactory(owner="jan.rep")
    response = rep.post(sales_url("lead_note", lead.pk), {"text": " "}, follow=True)
    assert any("required" in message for message in message_texts(response))
    assert not Note.objects.exists()


def test_a_rep_edits_an_open_lead_through_the_service(rep):
    lead = LeadFactory(owner="jan.rep")
    data = {
        **{name: getattr(lead, name) for name in Lead.EDITABLE_FIELD_NAMES},
        "country": "PL",
        "status_reason": "contacted",
        "city": "Kraków",
    }

    response = rep.post(sales_url("lead_change", lead.pk), data)

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status_reason, lead.city, lead.version) == ("contacted", "Kraków", 2)


def test_a_rep_adds_a_lead_and_owns_it(rep):
    lead = LeadFactory.build()
    data = {
        **{name: getattr(lead, name) for name in Lead.PARTY_FIELD_NAMES},
        "country": "PL",
        "topic": "Targi",
        "lead_source": "referral",
        "status_reason": "new",
    }

    response = rep.post(sales_url("lead_add"), data)

    assert response.status_code == 302
    created = Lead.objects.get(topic="Targi")
    assert (created.owner, created.lead_source, created.status) == ("jan.rep", "referral", "open")


def test_qualify_shows_duplicates_and_needs_a_pick_or_ignore(rep, settings):
    settings.SALES_INTEGRATION_ENABLED = True  # Sales decides B2B commerce leads
    existing = AccountFactory(account_number="A-000077", name="ŁÓDŹ sp. z o.o.")
    lead = LeadFactory(b2b_commerce=True, company_name="Łódź Sp. z o.o.")
    url = sales_url("lead_qualify", lead.pk)

    page = page_text(rep.get(url))
    assert "Possible duplicates" in page
    assert "A-000077" in page and "same company name" in page

    refused = rep.post(url, {"account": "new", "contact": "new", "create_opportunity": "on"})
    assert any("Possible duplicates exist" in m for m in message_texts(refused))
    assert Account.objects.count() == 1 and not Opportunity.objects.exists()

    done = rep.post(url, {"account": "A-000077", "contact": "new", "create_opportunity": "on"})
    assert done.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUALIFIED
    assert lead.account == existing
    assert lead.opportunity.account == existing
    assert lead.contact.account == existing


def test_qualify_ignore_and_save_creates_new_records(rep):
    AccountFactory(name="Łódź Sp. z o.o.")
    lead = LeadFactory(company_name="Łódź Sp. z o.o.")

    response = rep.post(
        sales_url("lead_qualify", lead.pk),
        {"account": "new", "contact": "new", "create_opportunity": "on", "ignore_duplicates": "on"},
        follow=True,
    )

    opportunity = Opportunity.objects.get(originating_lead=lead)
    assert any(opportunity.opportunity_number in m for m in message_texts(response))
    assert Account.objects.count() == 2
    assert Contact.objects.get().account == opportunity.account


def test_qualify_linking_another_account_needs_one_chosen(rep):
    lead = LeadFactory()
    url = sales_url("lead_qualify", lead.pk)

    page = page_text(rep.post(url, {"account": "other", "contact": "none"}))
    assert "Choose the record to link." in page

    page = page_text(rep.post(url, {"account": "other", "other_account": "404", "contact": "none"}))
    assert "Select a valid choice" in page
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


def test_qualify_of_a_qualified_lead_is_refused_as_a_message(rep):
    lead = LeadFactory(status="qualified")
    response = rep.post(sales_url("lead_qualify", lead.pk), {"account": "new", "contact": "new"})
    assert any("Only an open lead can be qualified" in m for m in message_texts(response))
    assert not Account.objects.exists()


def test_disqualify_dialog_with_reason_then_reactivate(rep):
    lead = LeadFactory(owner="jan.rep")

    page = page_text(rep.get(sales_url("lead_disqualify", lead.pk)))
    assert "No longer interested" in page and "Cannot contact" in page

    response = rep.post(
        sales_url("lead_disqualify", lead.pk), {"status_reason": "lost", "description": "Za drogo"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.status_reason) == ("disqualified", "lost")

    response = rep.post(sales_url("lead_reactivate", lead.pk))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.status_reason) == ("open", "new")


def test_disqualify_refused_while_an_opportunity_comes_from_the_lead(rep):
    lead = LeadFactory()
    OpportunityFactory(originating_lead=lead, opportunity_number="OP-000555")

    response = rep.post(sales_url("lead_disqualify", lead.pk), {"status_reason": "lost"})

    assert any("OP-000555" in m for m in message_texts(response))
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


def test_qualify_linking_another_existing_contact_chosen_by_search(rep):
    contact = ContactFactory(contact_number="CT-000321")
    lead = LeadFactory()

    response = rep.post(
        sales_url("lead_qualify", lead.pk),
        {"account": "none", "contact": "other", "other_contact": str(contact.pk)},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.contact, lead.account) == ("qualified", contact, None)
    assert not Opportunity.objects.exists()  # the checkbox was left unticked


def test_all_leads_view_for_reps(rep):
    LeadFactory(owner="other.rep", topic="Cudzy lead")
    LeadFactory(b2b_commerce=True, topic="Lead z B2B")
    page = page_text(rep.get(LEADS_URL, {"view": "all"}))
    assert "Cudzy lead" in page and "Lead z B2B" in page
