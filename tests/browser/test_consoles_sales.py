"""The Sales console in en, pl and cs (issue 13): a Czech or Polish rep meets no English word,
every page fits 1280 px, qualify/disqualify and close as won/lost sit at the top of the record,
axe-core finds nothing serious; at 390 px the home page fits and the record actions can be
reached. One test per language walks every page with one browser context."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from core.access import SALES_REPRESENTATIVES
from sales import selectors
from tests.factories import (
    AccountFactory,
    ContactFactory,
    LeadFactory,
    OpportunityFactory,
    UserFactory,
)

from .conftest import DESKTOP, LOCALES, PHONE, action_problems, page_problems, visit

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

REP = "jan.rep"  # the factories' owner of leads and opportunities


def _url(name: str, *args, view: str | None = None) -> str:
    url = reverse(f"sales:{name}", args=args)
    return f"{url}?{urlencode({'view': view})}" if view else url


@pytest.fixture
def sales_records(tasks_inline):
    """The rep's own open lead, a B2B commerce lead, an open opportunity, an account, a contact."""
    lead = LeadFactory(company_name="Kůň a spol. s.r.o.")
    LeadFactory(b2b_commerce=True, company_name="Hurtownia Żółć Łódź Sp. z o.o.")
    opportunity = OpportunityFactory()
    account, contact = AccountFactory(), ContactFactory()
    return {
        "user": UserFactory(username=REP, groups=[SALES_REPRESENTATIVES]),
        "lead": lead,
        "opportunity": opportunity,
        "data": (REP, lead.topic, opportunity.topic, account.name, contact.last_name),
    }


@pytest.mark.parametrize("language", LOCALES)
def test_sales_pages_speak_the_language_fit_and_show_their_actions(
    live_server, open_signed_in, axe, sales_records, language
):
    page = open_signed_in(sales_records["user"], language)
    # The same pages in English, to compare with.
    english = open_signed_in(sales_records["user"], "en") if language != "en" else None
    lead = _url("sales_lead_change", sales_records["lead"].pk)
    opportunity = _url("sales_opportunity_change", sales_records["opportunity"].pk)
    records = {lead: ("qualify", "disqualify"), opportunity: ("close-as-won", "close-as-lost")}
    data = sales_records["data"]
    problems = []
    for path in (
        _url("index"),
        _url("sales_lead_changelist", view=selectors.MY_OPEN_LEADS),
        _url("sales_lead_changelist", view=selectors.ALL_B2B_COMMERCE_LEADS),
        lead,
        _url("sales_opportunity_changelist"),
        opportunity,
        _url("sales_account_changelist"),
        _url("sales_contact_changelist"),
    ):
        problems += visit(page, f"{live_server.url}{path}")
        problems += page_problems(page, language, axe=axe, data=data, english=english)
    for path, commands in records.items():
        problems += visit(page, f"{live_server.url}{path}")
        problems += action_problems(page, commands, fold=DESKTOP["height"])

    page.set_viewport_size(PHONE)
    problems += visit(page, f"{live_server.url}{_url('index')}")
    problems += page_problems(page, language, data=data)
    for path, commands in records.items():
        problems += visit(page, f"{live_server.url}{path}")
        problems += action_problems(page, commands)
    assert not problems, "\n".join(problems)
