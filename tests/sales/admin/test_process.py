"""Where a sale stands: the process bar of lead and opportunity pages and the closing in words
(sales/admin/process.py, templates/admin/sales/includes/process_bar.html)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from sales.admin.process import closing_text, lead_process, opportunity_process
from tests.factories import LeadFactory, OpportunityFactory

from .support import page_text, sales_url

pytestmark = pytest.mark.django_db(databases="__all__")


def stage(bar) -> tuple[str, str, str]:
    """The current step's label and note, and how the stage ended."""
    (current,) = [step for step in bar.steps if step.state == "current"]
    return current.label, current.note, bar.outcome


def test_an_open_lead_is_qualifying_with_its_status_reason():
    assert stage(lead_process(LeadFactory(status_reason="contacted"))) == (
        "Qualify",
        "Contacted",
        "",
    )


def test_a_disqualified_lead_says_so_with_its_reason():
    lead = LeadFactory(status="disqualified", status_reason="cannot_contact")
    bar = lead_process(lead)
    assert stage(bar) == ("Qualify", "Disqualified: Cannot contact", "disqualified")
    assert bar.tone == "stopped"
    assert [step.state for step in bar.steps] == ["current", "upcoming", "upcoming"]


def test_a_qualified_lead_stands_where_its_opportunity_does():
    lead = LeadFactory(status="qualified", status_reason="qualified")
    OpportunityFactory(originating_lead=lead, status_reason="on_hold")
    bar = lead_process(lead)
    assert stage(bar) == ("Develop", "On hold", "")
    assert [step.state for step in bar.steps] == ["done", "current", "upcoming"]


def test_a_lead_approved_in_commerce_is_closed():
    lead = LeadFactory(status="qualified", status_reason="decided_in_commerce")
    assert stage(lead_process(lead)) == ("Close", "Approved in Commerce", "approved")


def test_a_won_opportunity_is_closed_with_date_and_money():
    opportunity = OpportunityFactory(
        status="won",
        status_reason="won",
        actual_revenue=Decimal("12500.50"),
        close_date=date(2026, 12, 1),
    )
    with translation.override("en"):
        label, note, outcome = stage(opportunity_process(opportunity))
    assert (label, outcome) == ("Close", "won")
    assert note.startswith("Won on ") and "2026" in note and "12,500.50" in note


def test_closing_text_in_english_and_polish():
    won = {
        "outcome": "won",
        "close_date": date(2026, 12, 1),
        "actual_revenue": Decimal("12500.50"),
    }
    with translation.override("en"):
        english = closing_text(**won)
    with translation.override("pl"):
        polish = closing_text(**won)
    assert english.startswith("Won on ") and " · " in english
    assert "Dec" in english and "12,500.50" in english and "PLN" in english
    # Polish: the day before the month, a space between thousands, a decimal comma, złoty.
    assert "1 gru" in polish.replace("\xa0", " ") or "1 grudnia" in polish
    assert "12\xa0500,50" in polish and "zł" in polish


def test_closing_text_of_a_loss_gives_the_reason_and_the_competitor():
    with translation.override("en"):
        text = closing_text(
            outcome="lost",
            close_date=date(2026, 11, 20),
            reason="Out-sold",
            competitor="Koník a.s.",
        )
    assert text.startswith("Lost on ")
    assert text.endswith(" · Out-sold · competitor: Koník a.s.")


def test_the_bar_on_the_page_marks_the_current_step_in_words(rep):
    opportunity = OpportunityFactory(status="lost", status_reason="canceled")

    page = page_text(rep.get(sales_url("opportunity_change", opportunity.pk)))

    start = page.index('id="process-bar"')
    bar = page[start : page.index("</nav>", start)]
    assert bar.count('aria-current="step"') == 1
    current = bar[bar.index('aria-current="step"') :]
    assert "3. Close" in current and "(current stage)" in current and "Canceled" in current
    assert bar.count("(completed)") == 2
    assert "<script" not in bar
