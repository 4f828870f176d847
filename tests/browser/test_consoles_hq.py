"""Commerce HQ in en, pl and cs (issue 13): a Polish or Czech back-office user meets no English
word, every page fits 1280 px, record actions sit at the top, axe-core finds nothing serious;
at 390 px the home page fits and the record actions can be reached.

One test per language walks every page with one browser context, so the records are built once
per language.
"""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from commerce.jobs import job_execute
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS
from dualwrite.models import DeliveryError, MapState
from dualwrite.services import map_states_register
from tests.channel.portal_support import approved_organization
from tests.factories import ProspectFactory, UserFactory

from .conftest import DESKTOP, LOCALES, PHONE, action_problems, page_problems, visit

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]


def _url(name: str, *args) -> str:
    return reverse(f"hq:{name}", args=args)


@pytest.fixture
def hq_records(tasks_inline):
    """An approved partner (customers, hierarchy, emails, job runs), a prospect waiting for a
    decision, a job run that found nothing, and the back-office user who works on them."""
    organization = approved_organization(
        company_name="Hurtownia Żółć Łódź Sp. z o.o.", first_name="Zofia", last_name="Żółkiewska"
    )
    waiting = ProspectFactory(company_name="Kůň a spol. s.r.o.", country="CZ")
    job_execute(code="P-0001")
    back_office = UserFactory(username="ewa.backoffice", groups=[COMMERCE_BACK_OFFICE])
    return {
        "user": back_office,
        "waiting": waiting,
        "data": (organization.prospect.company_name, waiting.company_name, "ewa.backoffice"),
    }


@pytest.fixture
def dualwrite_records(tasks_inline):
    """Every map registered, one running and one paused, a delivery error, an integrator."""
    running, paused, *_ = map_states_register()
    MapState.objects.filter(pk=running.pk).update(state=MapState.State.RUNNING)
    MapState.objects.filter(pk=paused.pk).update(state=MapState.State.PAUSED)
    DeliveryError.objects.create(
        message_id=uuid.uuid4(),
        map=running.code,
        source="commerce",
        record_key="C-000001",
        event="upsert",
        payload={"name": "Zofia"},
        error="timeout",
        last_failed_at=timezone.now(),
    )
    integrator = UserFactory(username="ivo.integrator", groups=[INTEGRATION_ADMINISTRATORS])
    return {"user": integrator, "running": running, "paused": paused}


@pytest.mark.parametrize("language", LOCALES)
def test_hq_back_office_pages_speak_the_language_fit_and_show_their_actions(
    live_server, open_signed_in, axe, hq_records, language
):
    page = open_signed_in(hq_records["user"], language)
    # The same pages in English, to compare with.
    english = open_signed_in(hq_records["user"], "en") if language != "en" else None
    record = _url("commerce_prospect_change", hq_records["waiting"].pk)
    data = hq_records["data"]
    problems = []
    for path in (
        _url("index"),
        _url("commerce_prospect_changelist"),
        record,
        _url("commerce_customer_changelist"),
        _url("commerce_customerhierarchy_changelist"),
        _url("commerce_jobrun_changelist"),
        _url("commerce_emailnotification_changelist"),
    ):
        problems += visit(page, f"{live_server.url}{path}")
        problems += page_problems(page, language, axe=axe, data=data, english=english)
    # With the integration off, HQ decides: approve and reject at the top of the record.
    problems += visit(page, f"{live_server.url}{record}")
    problems += action_problems(page, ("approve", "reject"), fold=DESKTOP["height"])

    page.set_viewport_size(PHONE)
    problems += visit(page, f"{live_server.url}{_url('index')}")
    problems += page_problems(page, language, data=data)
    problems += visit(page, f"{live_server.url}{record}")
    problems += action_problems(page, ("approve", "reject"))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sales_integration_enabled", [True], indirect=True)
@pytest.mark.parametrize("language", LOCALES)
def test_dual_write_pages_speak_the_language_fit_and_show_pause_and_resume(
    live_server, open_signed_in, axe, sales_integration_enabled, dualwrite_records, language
):
    page = open_signed_in(dualwrite_records["user"], language)
    # The same pages in English, to compare with.
    english = open_signed_in(dualwrite_records["user"], "en") if language != "en" else None
    running = _url("dualwrite_mapstate_change", dualwrite_records["running"].pk)
    paused = _url("dualwrite_mapstate_change", dualwrite_records["paused"].pk)
    problems = []
    for path in (
        _url("dualwrite_mapstate_changelist"),
        running,
        paused,
        _url("dualwrite_deliveryerror_changelist"),
    ):
        problems += visit(page, f"{live_server.url}{path}")
        problems += page_problems(page, language, axe=axe, english=english)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size(width)
        fold = DESKTOP["height"] if width == DESKTOP else None
        problems += visit(page, f"{live_server.url}{running}")
        problems += action_problems(page, ("pause",), fold=fold)
        problems += visit(page, f"{live_server.url}{paused}")
        problems += action_problems(page, ("resume",), fold=fold)
    assert not problems, "\n".join(problems)


def test_the_language_picked_in_the_header_is_kept_on_the_profile(
    live_server, open_signed_in, hq_records
):
    user = hq_records["user"]
    page = open_signed_in(user, "en")
    page.goto(f"{live_server.url}{_url('index')}")
    picker = page.get_by_role("combobox", name=re.compile(r"^(Language|Język|Jazyk)$"))
    submit = picker.locator("xpath=ancestor::form").locator("[type=submit]")
    with page.expect_navigation():
        picker.select_option(label="polski")
        if submit.count() and submit.first.is_visible():
            submit.first.click()

    with translation.override("pl"):
        all_prospects = translation.gettext("All prospects")
    assert all_prospects != "All prospects", "the catalogue has no Polish 'All prospects'"
    page.goto(f"{live_server.url}{_url('commerce_prospect_changelist')}")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("#content h1")).to_have_text(all_prospects)

    # Another browser asking for English: the profile's Polish wins.
    elsewhere = open_signed_in(user, "en")
    elsewhere.goto(f"{live_server.url}{_url('commerce_prospect_changelist')}")
    expect(elsewhere.locator("html")).to_have_attribute("lang", "pl")
    expect(elsewhere.locator("#content h1")).to_have_text(all_prospects)
