"""Opportunity services: notes, edits, close as won / lost."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.errors import NotAllowed
from sales.models import Opportunity, OpportunityClose
from sales.services import (
    opportunity_close_as_lost,
    opportunity_close_as_won,
    opportunity_note_add,
    opportunity_update,
)
from tests.factories import OpportunityFactory
from tests.sales.services.support import _logs, _reload

pytestmark = pytest.mark.django_db(databases="__all__")


def test_opportunity_note_add():
    opportunity = OpportunityFactory()
    note = opportunity_note_add(opportunity_id=opportunity.pk, text="Oferta wysłana", actor="ewa")
    assert note.opportunity == opportunity
    assert _reload(opportunity).version == 2


def test_opportunity_update_while_open_only():
    opportunity = OpportunityFactory()
    opportunity_update(
        opportunity_id=opportunity.pk,
        values={"status_reason": "on_hold", "estimated_revenue": Decimal("500")},
    )
    opportunity = _reload(opportunity)
    assert (opportunity.status_reason, opportunity.estimated_revenue) == ("on_hold", 500)
    with pytest.raises(ValidationError):
        opportunity_update(opportunity_id=opportunity.pk, values={"status_reason": "won"})
    won = OpportunityFactory(status="won")
    with pytest.raises(NotAllowed):
        opportunity_update(opportunity_id=won.pk, values={"topic": "x"})


# --- close as won / lost ----------------------------------------------------------------------


def test_close_as_won_writes_the_close_record_and_log(signals_seen, settings):
    settings.SALES_INTEGRATION_ENABLED = True  # Sales decides partner requests
    opportunity = OpportunityFactory(prospect_number="PR-000002")
    closed_on = date.today() - timedelta(days=1)

    opportunity_close_as_won(
        opportunity_id=opportunity.pk,
        actual_revenue=Decimal("12500.50"),
        close_date=closed_on,
        description="Umowa podpisana",
        actor="jan.rep",
    )

    opportunity = _reload(opportunity)
    assert (opportunity.status, opportunity.status_reason, opportunity.version) == ("won", "won", 2)
    assert (opportunity.actual_revenue, opportunity.close_date, opportunity.description) == (
        Decimal("12500.50"),
        closed_on,
        "Umowa podpisana",
    )
    close = OpportunityClose.objects.get(opportunity=opportunity)
    assert (close.outcome, close.actual_revenue, close.close_date, close.closed_by) == (
        "won",
        Decimal("12500.50"),
        closed_on,
        "jan.rep",
    )
    (log,) = _logs(opportunity)
    assert (log.transition, log.target_state, log.actor, log.reason) == (
        "close_as_won",
        "won",
        "jan.rep",
        "Won: Umowa podpisana",
    )
    assert signals_seen == [("transition", "Opportunity", "close_as_won", "won", "won", "")]


def test_close_as_lost_sets_reason_and_competitor_before_the_signal(signals_seen):
    opportunity = OpportunityFactory()

    opportunity_close_as_lost(
        opportunity_id=opportunity.pk,
        status_reason="out_sold",
        competitor="Koník a.s.",
        close_date=date.today(),
        description="Cena",
        actor="jan.rep",
    )

    opportunity = _reload(opportunity)
    assert (opportunity.status, opportunity.status_reason, opportunity.competitor) == (
        "lost",
        "out_sold",
        "Koník a.s.",
    )
    close = OpportunityClose.objects.get(opportunity=opportunity)
    assert (close.outcome, close.status_reason, close.competitor) == (
        "lost",
        "out_sold",
        "Koník a.s.",
    )
    assert signals_seen == [
        ("transition", "Opportunity", "close_as_lost", "lost", "out_sold", "Koník a.s.")
    ]
    assert _logs(opportunity)[0].reason == "Out-sold: Cena"


@pytest.mark.parametrize("status", ["won", "lost"])
def test_close_only_from_open(status):
    opportunity = OpportunityFactory(status=status)
    with pytest.raises(NotAllowed, match="Only an open opportunity can be closed"):
        opportunity_close_as_won(
            opportunity_id=opportunity.pk,
            actual_revenue=1,
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    with pytest.raises(NotAllowed):
        opportunity_close_as_lost(
            opportunity_id=opportunity.pk,
            status_reason="canceled",
            competitor="",
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    assert not OpportunityClose.objects.exists()
    assert _reload(opportunity).status == status


@pytest.mark.parametrize(
    ("revenue", "close_date"),
    [
        (Decimal("-1"), date.today()),
        (None, date.today()),
        ("abc", date.today()),
        (Decimal("1"), None),
    ],
)
def test_close_as_won_refuses_bad_figures(revenue, close_date):
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError):
        opportunity_close_as_won(
            opportunity_id=opportunity.pk,
            actual_revenue=revenue,
            close_date=close_date,
            description="",
            actor="jan.rep",
        )
    assert _reload(opportunity).status == Opportunity.Status.OPEN
    assert not OpportunityClose.objects.exists()


@pytest.mark.parametrize("reason", ["in_progress", "won", "nope"])
def test_close_as_lost_needs_canceled_or_out_sold(reason):
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError):
        opportunity_close_as_lost(
            opportunity_id=opportunity.pk,
            status_reason=reason,
            competitor="",
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    assert _reload(opportunity).status == Opportunity.Status.OPEN


def test_a_failed_close_leaves_no_log_behind():
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError):
        opportunity_close_as_lost(
            opportunity_id=opportunity.pk,
            status_reason="canceled",
            competitor="line\nbreak",
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    assert not _logs(opportunity)
    assert _reload(opportunity).status == Opportunity.Status.OPEN
