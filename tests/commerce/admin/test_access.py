"""Who gets into the HQ console and what its index says (commerce/admin, consoles/hq.py)."""

import pytest

from commerce.models import Prospect
from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES
from tests.factories import ProspectFactory, UserFactory

from .support import PROSPECTS_URL, hq_url, prospect_get

pytestmark = pytest.mark.django_db(databases="__all__")


def test_back_office_sees_all_prospects_with_unicode_company(back_office):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", first_name="Łucja")

    page = back_office.get(PROSPECTS_URL).content.decode()

    assert "All prospects" in page
    assert prospect.prospect_number in page
    assert "Žluťoučký kůň s.r.o." in page
    assert "Łucja Żółkiewska" in page
    assert "Poland" in page


def test_the_country_filter_offers_the_countries_of_the_prospects_and_filters(back_office):
    ProspectFactory(country="CZ", company_name="Kůň s.r.o.")
    ProspectFactory(country="DE", company_name="Pferd GmbH")

    page = back_office.get(PROSPECTS_URL).content.decode()
    czech = back_office.get(PROSPECTS_URL, {"country": "CZ"}).content.decode()

    countries = page[page.index('id="changelist-filter"') :]
    assert "?country=CZ" in countries and "?country=DE" in countries
    assert "?country=PL" not in countries and "?country=FR" not in countries
    assert countries.index("Czechia") < countries.index("Germany")
    assert "Kůň s.r.o." in czech and "Pferd GmbH" not in czech


@pytest.mark.parametrize("groups", [[SALES_REPRESENTATIVES], []])
def test_sales_rep_and_other_users_are_sent_to_the_hq_login(client, groups):
    prospect = ProspectFactory()
    client.force_login(UserFactory(groups=groups))

    response = client.get(PROSPECTS_URL)
    login_page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"].startswith("/hq/login/")
    assert "not authorized to access this page" in login_page
    assert prospect.prospect_number not in login_page


def test_anonymous_visitor_is_sent_to_the_hq_login(client):
    prospect = ProspectFactory()

    response = client.get(hq_url("commerce_prospect_change", prospect.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/hq/login/?next=")


def test_sales_rep_cannot_approve(client):
    prospect = ProspectFactory()
    client.force_login(UserFactory(groups=[SALES_REPRESENTATIVES]))

    client.post(hq_url("commerce_prospect_approve", prospect.pk))

    assert prospect_get(prospect.prospect_number).status == Prospect.Status.NEW


def test_hq_login_admits_back_office_without_staff_flag_and_refuses_a_rep(client):
    UserFactory(username="ewa", is_staff=False, groups=[COMMERCE_BACK_OFFICE])
    UserFactory(username="rep", is_staff=True, groups=[SALES_REPRESENTATIVES])
    password = "correct horse battery staple"

    refused = client.post("/hq/login/", {"username": "rep", "password": password})
    assert "Commerce HQ account" in refused.content.decode()
    assert client.get("/hq/").status_code == 302

    # The login page's form carries next=/hq/ (the HQ index).
    admitted = client.post(
        "/hq/login/", {"username": "ewa", "password": password, "next": "/hq/"}, follow=True
    )
    assert admitted.redirect_chain[-1][0] == "/hq/"
    assert "All prospects" in admitted.content.decode()


# --- index ------------------------------------------------------------------------------------


def test_index_explains_integration_off(back_office):
    page = back_office.get("/hq/").content.decode()

    assert "Sales integration" in page
    assert "approve or reject new prospects here" in page


def test_index_explains_integration_on(back_office, settings):
    settings.SALES_INTEGRATION_ENABLED = True

    page = back_office.get("/hq/").content.decode()

    assert "prospects are decided in Sales" in page
    assert "approve or reject new prospects here" not in page
