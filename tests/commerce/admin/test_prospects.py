"""HQ's All prospects and the Approve and Reject buttons (commerce/admin/prospects.py)."""

import pytest

from commerce.models import CustomerHierarchy, EmailNotification, Prospect, TransitionLog
from tests.factories import ProspectFactory

from .support import PROSPECTS_URL, hq_url, prospect_get

pytestmark = pytest.mark.django_db(databases="__all__")


def test_status_filter_lists_only_that_status(back_office):
    new = ProspectFactory()
    approved = ProspectFactory(status=Prospect.Status.APPROVED)

    page = back_office.get(PROSPECTS_URL, {"status__exact": "approved"}).content.decode()

    assert approved.prospect_number in page
    assert new.prospect_number not in page


def test_country_filter_lists_only_that_country(back_office):
    polish = ProspectFactory()
    czech = ProspectFactory(country="CZ", city="Brno")

    page = back_office.get(PROSPECTS_URL, {"country": "CZ"}).content.decode()

    assert czech.prospect_number in page
    assert polish.prospect_number not in page


@pytest.mark.parametrize(
    ("field", "term"),
    [("last_name", "Dvořák"), ("company_name", "Kůň"), ("email", "dvorak@kun")],
)
def test_search_finds_by_last_name_company_and_email(back_office, field, term):
    wanted = ProspectFactory(
        last_name="Dvořák", company_name="Žluťoučký kůň s.r.o.", email="dvorak@kun.cz"
    )
    other = ProspectFactory()

    page = back_office.get(PROSPECTS_URL, {"q": term}).content.decode()

    assert wanted.prospect_number in page
    assert other.prospect_number not in page


def test_search_finds_by_prospect_number(back_office):
    wanted, other = ProspectFactory(), ProspectFactory()

    page = back_office.get(PROSPECTS_URL, {"q": wanted.prospect_number}).content.decode()

    assert wanted.prospect_number in page
    assert other.prospect_number not in page


def test_prospect_detail_is_read_only_with_decision_buttons(back_office):
    prospect = ProspectFactory(comments="<b>Prosimy</b> o kontakt")

    page = back_office.get(hq_url("commerce_prospect_change", prospect.pk)).content.decode()

    assert "Hurtownia" in page and "Łódź" in page
    assert "&lt;b&gt;Prosimy&lt;/b&gt;" in page
    assert 'name="_save"' not in page
    assert hq_url("commerce_prospect_approve", prospect.pk) in page
    assert hq_url("commerce_prospect_reject", prospect.pk) in page
    assert "/hq/commerce/prospect/add/" not in back_office.get(PROSPECTS_URL).content.decode()


def test_decided_prospect_has_no_decision_buttons(back_office):
    prospect = ProspectFactory(status=Prospect.Status.REJECTED, status_reason="Duplikat")

    page = back_office.get(hq_url("commerce_prospect_change", prospect.pk)).content.decode()

    assert "Duplikat" in page
    assert hq_url("commerce_prospect_approve", prospect.pk) not in page
    assert hq_url("commerce_prospect_reject", prospect.pk) not in page


def test_approve_builds_the_hierarchy_queues_the_email_and_shows_the_log(back_office):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.")

    response = back_office.post(hq_url("commerce_prospect_approve", prospect.pk), follow=True)

    approved = prospect_get(prospect.prospect_number)
    assert approved.status == Prospect.Status.APPROVED
    assert approved.decided_by == "ewa.backoffice"
    hierarchy = CustomerHierarchy.objects.using("commerce").get(
        hierarchy_id=approved.customer_hierarchy
    )
    assert hierarchy.name == "Žluťoučký kůň s.r.o."
    email = EmailNotification.objects.using("commerce").get(
        type=EmailNotification.Type.PROSPECT_APPROVED
    )
    assert email.recipient == prospect.email
    page = response.content.decode()
    assert f"Prospect {prospect.prospect_number} is approved" in page
    assert approved.customer_hierarchy in page
    assert hq_url("commerce_customerhierarchy_change", hierarchy.pk) in page
    assert "ewa.backoffice" in page  # the transition log on the detail page
    assert "<td>New → Approved</td>" in page  # its states in words, not codes
    assert hq_url("commerce_prospect_approve", prospect.pk) not in page


def test_approve_twice_is_refused_with_a_message(back_office):
    prospect = ProspectFactory()
    back_office.post(hq_url("commerce_prospect_approve", prospect.pk))

    page = back_office.post(hq_url("commerce_prospect_approve", prospect.pk), follow=True)

    assert "is already approved" in page.content.decode()
    assert CustomerHierarchy.objects.using("commerce").count() == 1


def test_approve_asks_for_confirmation_saying_what_will_happen(back_office):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", email="jiri@kun.cz")

    response = back_office.get(hq_url("commerce_prospect_approve", prospect.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Approving Žluťoučký kůň s.r.o. creates the organization and person customers and the "
        "customer hierarchy, and emails the requester, Zofia Żółkiewska (jiri@kun.cz), an "
        "invitation to the B2B site."
    ) in page
    assert 'value="Approve prospect"' in page
    assert prospect_get(prospect.prospect_number).status == Prospect.Status.NEW
    assert not CustomerHierarchy.objects.using("commerce").exists()


def test_decision_buttons_are_at_the_top_of_the_record(back_office):
    prospect = ProspectFactory()

    page = back_office.get(hq_url("commerce_prospect_change", prospect.pk)).content.decode()

    top = page[page.index('id="decision-top"') :]
    assert top.index(hq_url("commerce_prospect_approve", prospect.pk)) < top.index("<fieldset")
    assert hq_url("commerce_prospect_reject", prospect.pk) in top[: top.index("<fieldset")]
    assert 'id="decision-bottom"' in page


def test_reject_page_says_what_rejecting_does(back_office):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", email="jiri@kun.cz")

    page = back_office.get(hq_url("commerce_prospect_reject", prospect.pk)).content.decode()

    assert "Rejecting Žluťoučký kůň s.r.o. closes the request of Zofia Żółkiewska" in page
    assert "jiri@kun.cz" in page and 'name="reason"' in page


def test_the_prospect_page_names_the_language(back_office):
    prospect = ProspectFactory(language="cs")

    page = back_office.get(hq_url("commerce_prospect_change", prospect.pk)).content.decode()
    polish = back_office.get(
        hq_url("commerce_prospect_change", prospect.pk), HTTP_ACCEPT_LANGUAGE="pl"
    ).content.decode()

    assert '<div class="readonly">Czech</div>' in page
    assert '<div class="readonly">cs</div>' not in page
    assert '<div class="readonly">czeski</div>' in polish
    # The type and channel SPEC §3 names are stored in English and read in the reader's words.
    assert '<div class="readonly">B2B prospect</div>' in page
    assert '<div class="readonly">B2B prospect</div>' not in polish


def test_a_new_prospect_shows_its_missing_customers_as_empty_not_none(back_office):
    prospect = ProspectFactory()

    page = back_office.get(hq_url("commerce_prospect_change", prospect.pk)).content.decode()

    assert '<div class="readonly">None</div>' not in page
    assert page.count('<div class="readonly">-</div>') >= 3


def test_reject_form_requires_a_reason(back_office):
    prospect = ProspectFactory()
    url = hq_url("commerce_prospect_reject", prospect.pk)

    form_page = back_office.get(url).content.decode()
    response = back_office.post(url, {"reason": "   "})

    assert 'name="reason"' in form_page and prospect.company_name in form_page
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert prospect_get(prospect.prospect_number).status == Prospect.Status.NEW
    assert not EmailNotification.objects.using("commerce").exists()


def test_reject_with_reason_rejects_and_records_it(back_office):
    prospect = ProspectFactory()

    response = back_office.post(
        hq_url("commerce_prospect_reject", prospect.pk),
        {"reason": "Brak działalności B2B — sklep detaliczny."},
        follow=True,
    )

    rejected = prospect_get(prospect.prospect_number)
    assert rejected.status == Prospect.Status.REJECTED
    assert rejected.status_reason == "Brak działalności B2B — sklep detaliczny."
    assert EmailNotification.objects.using("commerce").get().type == "prospect_rejected"
    assert f"Prospect {prospect.prospect_number} is rejected" in response.content.decode()
    log = TransitionLog.objects.using("commerce").get(object_key=prospect.prospect_number)
    assert (log.target_state, log.actor) == ("rejected", "ewa.backoffice")


def test_with_sales_integration_on_the_decision_is_refused(back_office, settings):
    settings.SALES_INTEGRATION_ENABLED = True
    prospect = ProspectFactory()

    approve = back_office.post(hq_url("commerce_prospect_approve", prospect.pk), follow=True)
    reject = back_office.post(
        hq_url("commerce_prospect_reject", prospect.pk), {"reason": "Nie"}, follow=True
    )
    detail = back_office.get(hq_url("commerce_prospect_change", prospect.pk)).content.decode()

    for response in (approve, reject):
        assert "this prospect is decided in Sales" in response.content.decode()
    assert prospect_get(prospect.prospect_number).status == Prospect.Status.NEW
    assert not CustomerHierarchy.objects.using("commerce").exists()
    assert not EmailNotification.objects.using("commerce").exists()
    assert "decided in Sales" in detail
    assert hq_url("commerce_prospect_approve", prospect.pk) not in detail
