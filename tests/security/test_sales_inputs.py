"""Dates and currencies are validated (SPEC §11): a close date within 2000-01-01 … ten years from
today, and a currency that is an ISO 4217 code in use today (CLDR's list, via babel).

Before: closing an opportunity on 0001-01-01 and setting a credit limit in "ZZZ" were accepted.
Each refusal names the field, in the user's language, and changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from commerce.models import AuditEntry, Customer
from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES
from core.currencies import currencies_in_use
from core.dates import latest_business_date
from sales.models import Opportunity, OpportunityClose
from tests.factories import CustomerFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

FAR_FUTURE = (timezone.localdate() + timedelta(days=366 * 10 + 3)).isoformat()
REFUSED_DATES = ["0001-01-01", "1999-12-31", FAR_FUTURE]
REFUSED_CURRENCIES = ["ZZZ", "XXX", "XTS", "DEM"]  # made up, no currency, testing, withdrawn


def _signed_in(client, *groups: str):
    client.force_login(UserFactory(username="jan.rep", groups=list(groups)))
    return client


@pytest.fixture
def rep_api():
    return _signed_in(APIClient(), SALES_REPRESENTATIVES)


@pytest.fixture
def back_office_api():
    return _signed_in(APIClient(), COMMERCE_BACK_OFFICE)


def _opportunity_untouched(opportunity: Opportunity) -> None:
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.OPEN
    assert opportunity.close_date is None
    assert not OpportunityClose.objects.exists()


# --- close dates: API ---------------------------------------------------------------------------


@pytest.mark.parametrize("close_date", REFUSED_DATES)
@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("close-as-won", {"actual_revenue": "1500.00"}),
        ("close-as-lost", {"status_reason": "canceled"}),
    ],
)
def test_the_api_refuses_a_close_date_out_of_range(rep_api, action, body, close_date):
    opportunity = OpportunityFactory()

    response = rep_api.post(
        f"/api/sales/opportunities/{opportunity.pk}/{action}/",
        {**body, "close_date": close_date},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["close_date"]
    assert response.json()["close_date"][0].startswith("Enter a date from ")
    _opportunity_untouched(opportunity)


def test_the_api_closes_within_the_window_up_to_its_last_day(rep_api):
    first, last = OpportunityFactory(), OpportunityFactory()

    won = rep_api.post(
        f"/api/sales/opportunities/{first.pk}/close-as-won/",
        {"actual_revenue": "1500.00", "close_date": "2000-01-01"},
        format="json",
    )
    lost = rep_api.post(
        f"/api/sales/opportunities/{last.pk}/close-as-lost/",
        {"status_reason": "canceled", "close_date": latest_business_date().isoformat()},
        format="json",
    )

    assert (won.status_code, lost.status_code) == (200, 200)
    assert sorted(OpportunityClose.objects.values_list("close_date", flat=True)) == [
        date(2000, 1, 1),
        latest_business_date(),
    ]


# --- close dates: Sales console -----------------------------------------------------------------


@pytest.mark.parametrize("close_date", REFUSED_DATES)
def test_the_sales_console_refuses_a_close_date_out_of_range(client, close_date):
    opportunity = OpportunityFactory()
    _signed_in(client, SALES_REPRESENTATIVES)

    response = client.post(
        reverse("sales:sales_opportunity_close-as-won", args=[opportunity.pk]),
        {"actual_revenue": "1500.00", "close_date": close_date},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["close_date"][0].startswith("Enter a date from ")
    assert "Enter a date from " in response.content.decode()
    _opportunity_untouched(opportunity)


# --- currencies: API and HQ ---------------------------------------------------------------------


@pytest.fixture
def organization() -> Customer:
    return CustomerFactory(credit_limit=Decimal("1000"), currency="CZK")


def _credit_limit_url(customer: Customer) -> str:
    return f"/api/commerce/customers/{customer.account_number}/credit-limit/"


def _currency_untouched(customer: Customer) -> None:
    customer.refresh_from_db()
    assert (customer.currency, customer.credit_limit) == ("CZK", Decimal("1000"))
    assert not AuditEntry.objects.filter(object_key=customer.account_number).exists()


@pytest.mark.parametrize("currency", REFUSED_CURRENCIES)
def test_the_api_refuses_a_currency_not_in_use(back_office_api, organization, currency):
    response = back_office_api.patch(
        _credit_limit_url(organization),
        {"credit_limit": "5000", "currency": currency},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["currency"]
    assert response.json()["currency"] == [
        f"{currency} is not a currency in use. Enter its three-letter ISO 4217 code, such as EUR."
    ]
    _currency_untouched(organization)


@pytest.mark.parametrize("currency", ["EUR", "PLN", "CZK"])
def test_the_api_sets_a_currency_in_use(back_office_api, organization, currency):
    response = back_office_api.patch(
        _credit_limit_url(organization), {"currency": currency}, format="json"
    )

    assert response.status_code == 200 and response.json()["currency"] == currency
    organization.refresh_from_db()
    assert organization.currency == currency


@pytest.mark.parametrize("currency", REFUSED_CURRENCIES)
def test_hq_refuses_a_currency_not_in_use(client, organization, currency):
    _signed_in(client, COMMERCE_BACK_OFFICE)

    response = client.post(
        reverse("hq:commerce_customer_credit_limit", args=[organization.pk]),
        {"credit_limit": "5000", "currency": currency, "credit_limit_type": "balance"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["currency"] == [
        f"{currency} is not a currency in use. Enter its three-letter ISO 4217 code, such as EUR."
    ]
    _currency_untouched(organization)


def test_hq_sets_a_currency_in_use(client, organization):
    _signed_in(client, COMMERCE_BACK_OFFICE)

    response = client.post(
        reverse("hq:commerce_customer_credit_limit", args=[organization.pk]),
        {"credit_limit": "5000", "currency": "PLN", "credit_limit_type": "balance"},
    )

    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.currency, organization.credit_limit) == ("PLN", Decimal("5000"))


def test_the_currency_list_is_cldrs_legal_tender_of_today():
    codes = currencies_in_use()

    assert {"EUR", "PLN", "CZK", "USD", "CHF", "JPY"} <= codes
    assert not {"ZZZ", "XXX", "XTS", "DEM", "CSK"} & codes
    assert all(len(code) == 3 and code.isupper() for code in codes)
