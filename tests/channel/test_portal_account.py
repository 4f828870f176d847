"""My account: every partner user sees their role and limit; admins also the credit (SPEC §8)."""

from decimal import Decimal

import pytest
from django.db import OperationalError, connections
from django.test import Client

from commerce.jobs import job_execute
from commerce.models import Customer
from commerce.services import customer_credit_limit_set, hierarchy_member_add

from .portal_support import PASSWORD, approved_organization, signed_in

pytestmark = pytest.mark.django_db(databases="__all__")

ACCOUNT = "/partner/account/"


@pytest.fixture
def organization():
    organization = approved_organization(company_name="Velkoobchod Žluťoučký kůň s.r.o.")
    organization_number = organization.prospect.organization_customer
    customer_credit_limit_set(
        account_number=organization_number,
        credit_limit=Decimal("125000"),
        currency="CZK",
        credit_limit_type=Customer.CreditLimitType.BALANCE,
        actor="backoffice",
    )
    Customer.objects.filter(account_number=organization_number).update(balance=Decimal("4500.5"))
    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jan",
        last_name="Novák",
        email="jan@kun.cz",
        role="user",
        spending_limit=Decimal("1234.5"),
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")
    return organization


def test_an_admin_sees_organization_role_limit_and_credit(organization):
    html = signed_in(organization.admin_email).get(ACCOUNT).content.decode()

    assert "Velkoobchod Žluťoučký kůň s.r.o." in html
    assert "Admin" in html and "No limit" in html
    assert "Credit limit" in html and "125,000.00 CZK" in html
    assert "Balance" in html and "4,500.50 CZK" in html
    assert "Available credit" in html and "120,499.50 CZK" in html
    assert 'href="/partner/organization/users/"' in html


def test_a_user_sees_role_and_limit_but_no_credit(organization):
    html = signed_in("jan@kun.cz").get(ACCOUNT).content.decode()

    assert "Velkoobchod Žluťoučký kůň s.r.o." in html
    assert "User" in html and "1,234.50 CZK" in html
    assert "Credit limit" not in html and "125,000" not in html and "Available credit" not in html
    assert "/partner/organization/users/" not in html


def test_amounts_follow_the_language_of_the_page(organization):
    html = signed_in(organization.admin_email).get(f"/pl{ACCOUNT}").content.decode()

    assert '<html lang="pl">' in html
    assert "125\xa0000,00 CZK" in html
    assert "120\xa0499,50 CZK" in html


def test_without_a_credit_limit_the_admin_is_told_so(organization):
    customer_credit_limit_set(
        account_number=organization.prospect.organization_customer,
        credit_limit=Decimal("0"),
        currency="EUR",
        credit_limit_type=Customer.CreditLimitType.NONE,
        actor="backoffice",
    )
    job_execute(code="1010")

    html = signed_in(organization.admin_email).get(ACCOUNT).content.decode()

    assert "No credit limit is checked" in html and "Not limited" in html


def test_the_portal_works_while_hq_is_down(organization, monkeypatch):
    client = signed_in(organization.admin_email)

    def down(*args, **kwargs):
        raise OperationalError("HQ database unreachable")

    monkeypatch.setattr(connections["commerce"], "cursor", down)
    with pytest.raises(OperationalError):
        Customer.objects.using("commerce").count()

    assert "125,000.00 CZK" in client.get(ACCOUNT).content.decode()
    assert "Jan Novák" in client.get("/partner/organization/users/").content.decode()
    signed_out = Client()
    response = signed_out.post(
        "/partner/sign-in/", {"username": organization.admin_email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == ACCOUNT


@pytest.mark.parametrize(("home", "account"), [("/", ACCOUNT), ("/pl/", "/pl" + ACCOUNT)])
def test_a_signed_in_partner_s_home_page_is_their_account(organization, home, account):
    client = signed_in(organization.admin_email)

    response = client.get(home)

    assert response.status_code == 302 and response["Location"] == account
    page = client.get(response["Location"]).content.decode()
    assert 'class="hero"' not in page and organization.admin_email in page


def test_the_home_page_of_someone_without_access_is_the_sign_up_call(client):
    for home, call in (("/", "Request a business account"), ("/cs/", "Požádat o firemní účet")):
        page = client.get(home).content.decode()
        assert call in page and 'class="hero"' in page
