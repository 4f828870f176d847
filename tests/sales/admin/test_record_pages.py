"""The lead and opportunity pages: buttons at the top, the timeline beside the form (never under
the Save bar), compact sections, the language by name, and each button's confirmation step
saying what will happen (sales/admin/base.py, consequences.py, record_change_form.html)."""

import re

import pytest

from sales.models import Lead, Note
from tests.factories import LeadFactory, OpportunityFactory

from .support import message_texts, page_text, sales_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_timeline_and_the_buttons_come_before_the_form_and_its_save_bar(rep):
    lead = LeadFactory(owner="jan.rep")
    Note.objects.create(lead=lead, author="jan.rep", text="Zadzwonić jutro")

    page = page_text(rep.get(sales_url("lead_change", lead.pk)))

    qualify = page.index(sales_url("lead_qualify", lead.pk))
    bar = page.index('id="process-bar"')
    timeline = page.index('id="timeline"')
    note = page.index("Zadzwonić jutro")
    form = page.index('id="lead_form"')
    save = page.index('name="_save"')
    assert qualify < bar < timeline < note < form < save
    assert page.index('name="text"') < form  # a note is added right there


def test_empty_sections_are_left_out_and_the_record_details_fold(rep):
    open_lead = LeadFactory(owner="jan.rep")
    page = page_text(rep.get(sales_url("lead_change", open_lead.pk)))
    assert ">Qualification</h2>" not in page  # nothing qualified yet
    assert "<details" in page and "Record" in page[page.index("<details") :]

    opportunity = OpportunityFactory()
    page = page_text(rep.get(sales_url("opportunity_change", opportunity.pk)))
    assert ">Close</h2>" not in page  # open: no close to show


def test_a_read_only_page_names_the_language(rep):
    lead = LeadFactory(status="qualified", status_reason="qualified", language="pl")

    page = page_text(rep.get(sales_url("lead_change", lead.pk)))

    row = page[page.index("field-language_name") :]
    assert re.search(r'<div class="readonly">Polish</div>', row[: row.index("</div>") + 6])
    assert 'id="id_language"' not in page


def test_qualify_of_a_b2b_commerce_lead_says_what_happens_in_commerce(rep, settings):
    settings.SALES_INTEGRATION_ENABLED = True
    lead = LeadFactory(b2b_commerce=True, prospect_number="PR-000321")

    page = page_text(rep.get(sales_url("lead_qualify", lead.pk)))

    assert "What will happen" in page
    assert "The lead becomes qualified" in page
    assert "customers of prospect PR-000321" in page


def test_close_as_won_of_a_partner_request_says_it_approves_the_partner(rep):
    opportunity = OpportunityFactory(prospect_number="PR-000777")

    page = page_text(rep.get(sales_url("opportunity_close-as-won", opportunity.pk)))

    consequences = page[page.index('id="consequences"') : page.index("</section>")]
    assert "closed as won" in consequences
    assert "approves the partner in Commerce (prospect PR-000777)" in consequences
    assert "creates its customers and hierarchy and invites its admin" in consequences


def test_closing_an_opportunity_of_no_partner_request_mentions_no_commerce(rep):
    opportunity = OpportunityFactory(prospect_number="")

    page = page_text(rep.get(sales_url("opportunity_close-as-lost", opportunity.pk)))

    assert "closed as lost with the reason you choose" in page
    assert "Commerce" not in page[page.index('id="consequences"') : page.index("</section>")]


def test_reactivate_asks_first_then_reopens(rep):
    lead = LeadFactory(status="disqualified", status_reason="lost", prospect_number="PR-000555")
    url = sales_url("lead_reactivate", lead.pk)

    page = page_text(rep.get(url))
    assert "open again" in page and "Prospect PR-000555 in Commerce is new again" in page
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.DISQUALIFIED

    response = rep.post(url, follow=True)

    assert "The lead is open again." in message_texts(response)
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


def test_a_won_opportunity_shows_its_closing_in_words(rep):
    lead = LeadFactory()
    rep.post(
        sales_url("lead_qualify", lead.pk),
        {"account": "new", "contact": "new", "create_opportunity": "on"},
    )
    opportunity = lead.__class__.objects.get(pk=lead.pk).opportunity
    rep.post(
        sales_url("opportunity_close-as-won", opportunity.pk),
        {"actual_revenue": "12500.50", "close_date": "2025-12-01", "description": "Podpisano"},
    )

    page = page_text(rep.get(sales_url("opportunity_change", opportunity.pk)))

    closing = page[page.index(">Close</h2>") :]
    assert "Won on " in closing and "12,500.50" in closing and "— jan.rep" in closing
