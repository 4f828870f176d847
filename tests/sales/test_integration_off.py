"""With the Sales integration off, Commerce decides partner requests (SPEC §3 step 9): Sales
refuses to qualify, disqualify, win or lose a B2B commerce lead, and says so, in the services,
the API and the console."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import NotAllowed
from sales.models import Account, Contact, Lead, Opportunity, OpportunityClose, TransitionLog
from sales.services import (
    lead_disqualify,
    lead_qualify,
    opportunity_close_as_lost,
    opportunity_close_as_won,
)
from tests.factories import LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db(databases="__all__")

OFF_MESSAGE = (
    "The Sales integration is off, so Commerce decides partner requests now: "
    "approve or reject prospect {number} in HQ."
)
POLISH_START = "Integracja z Sales jest wyłączona"


@pytest.fixture(autouse=True)
def _integration_off(settings):
    settings.SALES_INTEGRATION_ENABLED = False


def _b2b_lead(number: str = "PR-000501") -> Lead:
    return LeadFactory(b2b_commerce=True, prospect_number=number, company_name="Łódź Sp. z o.o.")


def _b2b_opportunity(number: str = "PR-000502") -> Opportunity:
    return OpportunityFactory(prospect_number=number, originating_lead=_b2b_lead(number))


def _qualify():
    lead = _b2b_lead("PR-000601")
    return lead, lambda: lead_qualify(lead_id=lead.pk, actor="jan.rep", ignore_duplicates=True)


def _disqualify():
    lead = _b2b_lead("PR-000602")
    return lead, lambda: lead_disqualify(lead_id=lead.pk, status_reason="lost", actor="jan.rep")


def _close_as_won():
    opportunity = _b2b_opportunity("PR-000603")
    return opportunity, lambda: opportunity_close_as_won(
        opportunity_id=opportunity.pk,
        actual_revenue=Decimal("100.00"),
        close_date=date(2025, 2, 3),
        description="",
        actor="jan.rep",
    )


def _close_as_lost():
    opportunity = _b2b_opportunity("PR-000604")
    return opportunity, lambda: opportunity_close_as_lost(
        opportunity_id=opportunity.pk,
        status_reason="canceled",
        competitor="",
        close_date=date(2025, 2, 3),
        description="",
        actor="jan.rep",
    )


# Each decision of SPEC §3 steps 5, 7 and 8 on a fresh record: () -> (record, perform).
DECISIONS = pytest.mark.parametrize(
    "decision",
    [_qualify, _disqualify, _close_as_won, _close_as_lost],
    ids=["qualify", "disqualify", "close as won", "close as lost"],
)


@DECISIONS
def test_each_decision_on_a_b2b_commerce_record_is_refused_and_changes_nothing(decision):
    record, perform = decision()
    logs = TransitionLog.objects.count()

    with pytest.raises(NotAllowed) as refused:
        perform()

    assert refused.value.code == "decided_in_commerce"
    assert str(refused.value.message) == OFF_MESSAGE.format(number=record.prospect_number)
    record.refresh_from_db()
    assert record.status == "open"
    assert record.version == 1
    assert TransitionLog.objects.count() == logs
    assert not Account.objects.exists() and not Contact.objects.exists()
    assert not OpportunityClose.objects.exists()
    assert Opportunity.objects.filter(originating_lead__status="qualified").count() == 0


@DECISIONS
def test_each_decision_goes_through_while_the_integration_is_on(settings, decision):
    settings.SALES_INTEGRATION_ENABLED = True
    record, perform = decision()

    perform()

    record.refresh_from_db()
    assert record.status != "open"


def test_a_lead_that_is_not_a_partner_request_still_qualifies():
    lead = LeadFactory(lead_source="web", company_name="Plzeňská s.r.o.")

    result = lead_qualify(lead_id=lead.pk, actor="jan.rep", ignore_duplicates=True)

    assert result.lead.status == Lead.Status.QUALIFIED
    assert result.account is not None and result.opportunity is not None
    # Its opportunity comes from no prospect: it closes too.
    opportunity_close_as_won(
        opportunity_id=result.opportunity.pk,
        actual_revenue=Decimal("1.00"),
        close_date=date(2025, 2, 3),
        description="",
        actor="jan.rep",
    )


def test_the_refusal_is_in_the_reps_language():
    lead = _b2b_lead("PR-000777")

    with translation.override("pl"), pytest.raises(NotAllowed) as refused:
        lead_qualify(lead_id=lead.pk, actor="jan.rep")

    message = str(refused.value.message)
    assert message.startswith(POLISH_START)
    assert "PR-000777" in message


# --- API --------------------------------------------------------------------------------------


def test_the_api_answers_409_with_the_message(rep_api):
    lead = _b2b_lead("PR-000801")
    opportunity = _b2b_opportunity("PR-000802")

    qualify = rep_api.post(f"/api/sales/leads/{lead.pk}/qualify/", {}, format="json")
    won = rep_api.post(
        f"/api/sales/opportunities/{opportunity.pk}/close-as-won/",
        {"actual_revenue": "10.00", "close_date": "2025-02-03", "description": ""},
        format="json",
    )

    assert qualify.status_code == 409, qualify.content
    assert qualify.json() == {
        "detail": OFF_MESSAGE.format(number="PR-000801"),
        "code": "decided_in_commerce",
    }
    assert won.status_code == 409, won.content
    assert won.json()["code"] == "decided_in_commerce"
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


def test_the_api_answers_in_polish(rep_api):
    lead = _b2b_lead("PR-000803")

    response = rep_api.post(
        f"/api/sales/leads/{lead.pk}/disqualify/",
        {"status_reason": "lost"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="pl",
    )

    assert response.status_code == 409
    assert response.json()["detail"].startswith(POLISH_START)


# --- console ----------------------------------------------------------------------------------


def _url(name: str, *args) -> str:
    return reverse(f"sales:sales_{name}", args=args)


def _page(response) -> str:
    assert response.status_code == 200, response
    return response.content.decode()


def test_the_lead_page_says_commerce_decides_and_offers_no_decision(rep):
    lead = _b2b_lead("PR-000901")

    page = _page(rep.get(_url("lead_change", lead.pk)))

    assert 'id="record-banners"' in page
    assert OFF_MESSAGE.format(number="PR-000901") in page
    assert "PR-000901" in page
    assert _url("lead_qualify", lead.pk) not in page
    assert _url("lead_disqualify", lead.pk) not in page


def test_the_opportunity_page_says_commerce_decides_and_offers_no_close(rep):
    opportunity = _b2b_opportunity("PR-000902")

    page = _page(rep.get(_url("opportunity_change", opportunity.pk)))

    assert OFF_MESSAGE.format(number="PR-000902") in page
    assert _url("opportunity_close-as-won", opportunity.pk) not in page
    assert _url("opportunity_close-as-lost", opportunity.pk) not in page


def test_a_post_to_the_action_page_is_refused_with_the_message(rep):
    lead = _b2b_lead("PR-000903")

    response = rep.post(
        _url("lead_disqualify", lead.pk), {"status_reason": "lost", "description": ""}
    )

    assert OFF_MESSAGE.format(number="PR-000903") in _page(response)
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


def test_the_back_office_sees_the_banner_too(back_office):
    lead = _b2b_lead("PR-000904")

    assert OFF_MESSAGE.format(number="PR-000904") in _page(
        back_office.get(_url("lead_change", lead.pk))
    )


def test_a_closed_b2b_lead_has_no_banner(rep):
    lead = LeadFactory(b2b_commerce=True, prospect_number="PR-000908", status="qualified")

    assert 'id="record-banners"' not in _page(rep.get(_url("lead_change", lead.pk)))


def test_with_the_integration_on_there_is_no_banner_and_the_buttons_show(rep, settings):
    settings.SALES_INTEGRATION_ENABLED = True
    lead = _b2b_lead("PR-000905")
    opportunity = _b2b_opportunity("PR-000906")

    lead_page = _page(rep.get(_url("lead_change", lead.pk)))
    opportunity_page = _page(rep.get(_url("opportunity_change", opportunity.pk)))

    assert 'id="record-banners"' not in lead_page + opportunity_page
    assert _url("lead_qualify", lead.pk) in lead_page
    assert _url("opportunity_close-as-won", opportunity.pk) in opportunity_page


def test_a_web_lead_page_has_no_banner_and_its_buttons(rep):
    lead = LeadFactory(lead_source="web")

    page = _page(rep.get(_url("lead_change", lead.pk)))

    assert 'id="record-banners"' not in page
    assert _url("lead_qualify", lead.pk) in page


def test_a_decision_commerce_could_not_apply_shows_as_an_error(rep, settings):
    settings.SALES_INTEGRATION_ENABLED = True
    opportunity = _b2b_opportunity("PR-000907")
    Opportunity.objects.filter(pk=opportunity.pk).update(
        sync_error="Prospect PR-000907 is already rejected; only a new prospect can be decided."
    )

    page = _page(rep.get(_url("opportunity_change", opportunity.pk)))

    assert (
        '<li class="error">Dual-write could not apply this decision in Commerce: '
        "Prospect PR-000907 is already rejected; only a new prospect can be decided.</li>"
    ) in page
