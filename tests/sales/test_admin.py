"""The Sales console at /sales/: lead views, lead form and timeline, the intermediate action
forms (qualify, disqualify, reactivate, close as won/lost), and who may open what."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from sales.models import Account, Contact, Lead, Note, Opportunity, OpportunityClose
from sales.services import lead_disqualify
from tests.factories import AccountFactory, ContactFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db(databases="__all__")

LEADS_URL = "/sales/sales/lead/"


def _url(name: str, *args) -> str:
    return reverse(f"sales:sales_{name}", args=args)


def _page(response) -> str:
    assert response.status_code == 200, response
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- lead views -------------------------------------------------------------------------------


def test_my_open_leads_is_the_reps_default_and_excludes_integration_leads(rep):
    mine = LeadFactory(owner="jan.rep", topic="Mój lead z Łodzi")
    LeadFactory(owner="jan.rep", topic="Mój zamknięty", status="disqualified")
    LeadFactory(owner="other.rep", topic="Cudzy lead")
    LeadFactory(b2b_commerce=True, topic="B2B partner request: Żółw")

    page = _page(rep.get(LEADS_URL))

    assert "My open leads" in page
    assert "Mój lead z Łodzi" in page
    assert _url("lead_change", mine.pk) in page
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

    page = _page(rep.get(LEADS_URL, {"view": "all-b2b-commerce-leads"}))

    assert "<title>All B2B commerce leads" in page
    assert "Žluťoučký kůň s.r.o." in page
    assert "PR-000042" in page and "PR-000043" in page
    assert _url("lead_change", integration.pk) in page
    assert _url("lead_change", disqualified.pk) in page
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

    page = _page(rep.get(_url("lead_change", lead.pk)))

    assert ">Contact</h2>" in page and ">Company</h2>" in page
    assert "Łódź &lt;b&gt;Hurt&lt;/b&gt;" in page  # HTML is kept as text, escaped
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("Cannot contact: Brak odpowiedzi") < timeline.index("Starsza notatka")
    assert _url("lead_reactivate", lead.pk) in page
    assert _url("lead_qualify", lead.pk) not in page


def test_add_a_note_from_the_lead_page(rep):
    lead = LeadFactory(owner="jan.rep")

    response = rep.post(_url("lead_note", lead.pk), {"text": "Zadzwonić jutro"}, follow=True)

    assert "The note was added." in _messages(response)
    assert "Zadzwonić jutro" in _page(response)
    assert Note.objects.get(lead=lead).author == "jan.rep"


def test_an_empty_note_is_refused_with_a_message(rep):
    lead = LeadFactory(owner="jan.rep")
    response = rep.post(_url("lead_note", lead.pk), {"text": " "}, follow=True)
    assert any("required" in message for message in _messages(response))
    assert not Note.objects.exists()


def test_a_rep_edits_an_open_lead_through_the_service(rep):
    lead = LeadFactory(owner="jan.rep")
    data = {
        **{name: getattr(lead, name) for name in Lead.EDITABLE_FIELD_NAMES},
        "country": "PL",
        "status_reason": "contacted",
        "city": "Kraków",
    }

    response = rep.post(_url("lead_change", lead.pk), data)

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

    response = rep.post(_url("lead_add"), data)

    assert response.status_code == 302
    created = Lead.objects.get(topic="Targi")
    assert (created.owner, created.lead_source, created.status) == ("jan.rep", "referral", "open")


# --- qualify ----------------------------------------------------------------------------------


def test_qualify_shows_duplicates_and_needs_a_pick_or_ignore(rep, settings):
    settings.SALES_INTEGRATION_ENABLED = True  # Sales decides B2B commerce leads
    existing = AccountFactory(account_number="A-000077", name="ŁÓDŹ sp. z o.o.")
    lead = LeadFactory(b2b_commerce=True, company_name="Łódź Sp. z o.o.")
    url = _url("lead_qualify", lead.pk)

    page = _page(rep.get(url))
    assert "Possible duplicates" in page
    assert "A-000077" in page and "same company name" in page

    refused = rep.post(url, {"account": "new", "contact": "new", "create_opportunity": "on"})
    assert any("Possible duplicates exist" in m for m in _messages(refused))
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
        _url("lead_qualify", lead.pk),
        {"account": "new", "contact": "new", "create_opportunity": "on", "ignore_duplicates": "on"},
        follow=True,
    )

    opportunity = Opportunity.objects.get(originating_lead=lead)
    assert any(opportunity.opportunity_number in m for m in _messages(response))
    assert Account.objects.count() == 2
    assert Contact.objects.get().account == opportunity.account


def test_qualify_linking_another_account_needs_its_number(rep):
    lead = LeadFactory()
    url = _url("lead_qualify", lead.pk)

    page = _page(rep.post(url, {"account": "other", "contact": "none"}))
    assert "Enter the number of the record to link." in page

    page = _page(
        rep.post(url, {"account": "other", "other_account_number": "A-404", "contact": "none"})
    )
    assert "There is no account with the number A-404." in page
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


def test_qualify_of_a_qualified_lead_is_refused_as_a_message(rep):
    lead = LeadFactory(status="qualified")
    response = rep.post(_url("lead_qualify", lead.pk), {"account": "new", "contact": "new"})
    assert any("Only an open lead can be qualified" in m for m in _messages(response))
    assert not Account.objects.exists()


# --- disqualify and reactivate ----------------------------------------------------------------


def test_disqualify_dialog_with_reason_then_reactivate(rep):
    lead = LeadFactory(owner="jan.rep")

    page = _page(rep.get(_url("lead_disqualify", lead.pk)))
    assert "No longer interested" in page and "Cannot contact" in page

    response = rep.post(
        _url("lead_disqualify", lead.pk), {"status_reason": "lost", "description": "Za drogo"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.status_reason) == ("disqualified", "lost")

    response = rep.post(_url("lead_reactivate", lead.pk))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.status_reason) == ("open", "new")


def test_disqualify_refused_while_an_opportunity_comes_from_the_lead(rep):
    lead = LeadFactory()
    OpportunityFactory(originating_lead=lead, opportunity_number="OP-000555")

    response = rep.post(_url("lead_disqualify", lead.pk), {"status_reason": "lost"})

    assert any("OP-000555" in m for m in _messages(response))
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


# --- opportunities ----------------------------------------------------------------------------


def test_close_as_won_dialog(rep):
    opportunity = OpportunityFactory(topic="Hurt Łódź")

    page = _page(rep.get(_url("opportunity_change", opportunity.pk)))
    assert _url("opportunity_close-as-won", opportunity.pk) in page
    form = _page(rep.get(_url("opportunity_close-as-won", opportunity.pk)))
    assert "Actual revenue" in form and date.today().isoformat() in form

    response = rep.post(
        _url("opportunity_close-as-won", opportunity.pk),
        {"actual_revenue": "1500.00", "close_date": "2025-03-01", "description": "Podpisano"},
        follow=True,
    )

    assert "The opportunity is closed as won." in _messages(response)
    opportunity.refresh_from_db()
    assert (opportunity.status, str(opportunity.actual_revenue)) == ("won", "1500.00")
    close = OpportunityClose.objects.get()
    assert (close.outcome, close.close_date, close.closed_by) == (
        "won",
        date(2025, 3, 1),
        "jan.rep",
    )
    page = _page(response)
    assert "Podpisano" in page
    assert _url("opportunity_close-as-won", opportunity.pk) not in page


def test_close_as_lost_dialog_and_bad_input(rep):
    opportunity = OpportunityFactory()
    url = _url("opportunity_close-as-lost", opportunity.pk)

    page = _page(rep.post(url, {"status_reason": "in_progress", "close_date": "2025-03-01"}))
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
        _url("lead_qualify", lead.pk),
        {"account": "new", "contact": "new", "create_opportunity": "on"},
    )

    opportunity = Opportunity.objects.get(originating_lead=lead)
    page = _page(rep.get(_url("opportunity_change", opportunity.pk)))

    assert "Notatka z leada" in page


def test_accounts_and_contacts_are_listed(rep):
    account = AccountFactory(name="Žluťoučký kůň s.r.o.")
    ContactFactory(last_name="Dvořáková", account=account)

    assert "Žluťoučký kůň s.r.o." in _page(rep.get(_url("account_changelist")))
    assert "Dvořáková" in _page(rep.get(_url("contact_changelist")))
    assert "Dvořáková" in _page(rep.get(_url("account_change", account.pk)))


# --- access -----------------------------------------------------------------------------------


def test_back_office_opens_all_b2b_commerce_leads_read_only(back_office):
    lead = LeadFactory(b2b_commerce=True, prospect_number="PR-000321")
    LeadFactory(lead_source="web", topic="Lead ze strony")

    assert back_office.get("/sales/").url.endswith("?view=all-b2b-commerce-leads")
    page = _page(back_office.get(LEADS_URL))
    assert "PR-000321" in page
    assert "Lead ze strony" not in page
    assert "My open leads" not in page

    detail = _page(back_office.get(_url("lead_change", lead.pk)))
    assert "PR-000321" in detail
    assert 'name="_save"' not in detail
    assert _url("lead_qualify", lead.pk) not in detail
    assert "Add note" not in detail


def test_back_office_cannot_qualify_or_open_other_pages(back_office):
    lead = LeadFactory(b2b_commerce=True)
    web_lead = LeadFactory(lead_source="web")
    opportunity = OpportunityFactory()

    assert back_office.get(_url("lead_qualify", lead.pk)).status_code == 403
    assert (
        back_office.post(
            _url("lead_qualify", lead.pk), {"account": "new", "contact": "new"}
        ).status_code
        == 403
    )
    assert back_office.post(_url("lead_note", lead.pk), {"text": "x"}).status_code == 403
    assert back_office.get(_url("opportunity_change", opportunity.pk)).status_code == 403
    assert back_office.get(_url("account_changelist")).status_code == 403
    assert back_office.get(_url("lead_change", web_lead.pk)).status_code == 302  # not found
    assert back_office.post(_url("lead_change", lead.pk), {"topic": "x"}).status_code == 403
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN
    assert not Note.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_anonymous_and_partner_users_are_sent_to_the_login(client, partner_user, who):
    if who == "partner":
        client.force_login(partner_user)
    lead = LeadFactory(b2b_commerce=True)

    for url in (LEADS_URL, _url("lead_change", lead.pk), _url("lead_qualify", lead.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/sales/login/")


def test_a_rep_signs_in_by_group_and_a_partner_cannot(client, rep_user, partner_user):
    refused = client.post(
        "/sales/login/", {"username": "partner", "password": "correct horse battery staple"}
    )
    assert "Sales account" in _page(refused)

    response = client.post(
        "/sales/login/", {"username": "jan.rep", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert "Sales console" in _page(client.get("/sales/"))


def test_a_rep_edits_an_account_and_an_opportunity_through_the_services(rep):
    account = AccountFactory(name="Stara nazwa", country="PL")
    data = {name: getattr(account, name) for name in Account.EDITABLE_FIELD_NAMES}

    response = rep.post(
        _url("account_change", account.pk), {**data, "country": "PL", "name": "ŁÓDŹ Hurt"}
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
        _url("opportunity_change", opportunity.pk),
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
    page = _page(rep.get(_url("opportunity_change", opportunity.pk)))
    assert 'name="_save"' not in page
    assert _url("opportunity_close-as-won", opportunity.pk) not in page
    response = rep.post(
        _url("opportunity_close-as-won", opportunity.pk),
        {"actual_revenue": "1", "close_date": "2025-03-01"},
    )
    assert any("Only an open opportunity can be closed" in m for m in _messages(response))
    assert not OpportunityClose.objects.exists()


def test_qualify_linking_another_existing_contact_by_number(rep):
    contact = ContactFactory(contact_number="CT-000321")
    lead = LeadFactory()

    response = rep.post(
        _url("lead_qualify", lead.pk),
        {"account": "none", "contact": "other", "other_contact_number": "CT-000321"},
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.contact, lead.account) == ("qualified", contact, None)
    assert not Opportunity.objects.exists()  # the checkbox was left unticked


def test_all_leads_view_for_reps(rep):
    LeadFactory(owner="other.rep", topic="Cudzy lead")
    LeadFactory(b2b_commerce=True, topic="Lead z B2B")
    page = _page(rep.get(LEADS_URL, {"view": "all"}))
    assert "Cudzy lead" in page and "Lead z B2B" in page
