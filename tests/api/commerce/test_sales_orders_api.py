"""HQ's sales orders and products in the Commerce HQ API (SPEC §13): the back office lists,
confirms and cancels sales orders and keeps the catalog; nobody else may."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from commerce.channel.models import ChannelProduct, Order
from commerce.jobs import job_execute
from commerce.models import EmailNotification, Product, SalesOrder, TransitionLog
from core.access import INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from tests.channel.portal_support import partner_login
from tests.commerce.sales_orders_support import sales_orders
from tests.factories import UserFactory

from .support import API

pytestmark = pytest.mark.django_db(databases="__all__")

SALES_ORDERS = f"{API}/sales-orders/"


def _emails(kind: str) -> list[EmailNotification]:
    return list(EmailNotification.objects.using("commerce").filter(type=kind))


def _numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


def test_back_office_lists_sales_orders_newest_first_with_filters(back_office_client):
    made = sales_orders("PO-ALPHA", "PO-BETA")
    first, second = made.orders
    customer = made.partners.organization.prospect.organization_customer
    back_office_client.post(f"{SALES_ORDERS}{second.number}/confirm/")

    everything = back_office_client.get(SALES_ORDERS)
    open_ones = back_office_client.get(SALES_ORDERS, {"status": "open"})
    by_customer = back_office_client.get(SALES_ORDERS, {"customer": customer})
    other_customer = back_office_client.get(SALES_ORDERS, {"customer": "C-999999"})
    by_search = back_office_client.get(SALES_ORDERS, {"search": "beta"})
    bad = back_office_client.get(SALES_ORDERS, {"status": "shipped"})

    assert _numbers(everything) == [second.number, first.number]
    row = everything.json()["results"][1]
    assert (row["channel_order_number"], row["purchase_order"], row["ordered_by"]) == (
        first.channel_order_number,
        "PO-ALPHA",
        "Jan Kowalski",
    )
    assert (row["total"], row["currency"], row["status"]) == (350.0, "PLN", "open")
    assert _numbers(open_ones) == [first.number]
    assert _numbers(by_customer) == [second.number, first.number]
    assert _numbers(other_customer) == []
    assert _numbers(by_search) == [second.number]
    assert bad.status_code == 400 and "status" in bad.json()


def test_a_sales_orders_detail_has_its_lines(back_office_client):
    (order,) = sales_orders("PO-1").orders

    detail = back_office_client.get(f"{SALES_ORDERS}{order.number}/")
    missing = back_office_client.get(f"{SALES_ORDERS}SO-999999/")

    assert detail.status_code == 200
    assert [
        (line["product_number"], line["quantity"], line["unit_price"], line["line_total"])
        for line in detail.json()["lines"]
    ] == [("FX-1001", 3, 100.0, 300.0), ("FX-1003", 4, 12.5, 50.0)]
    assert detail.json()["delivery_name"]
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_confirming_emails_the_buyer_and_reaches_the_site(back_office_client):
    (order,) = sales_orders("PO-1").orders

    confirmed = back_office_client.post(f"{SALES_ORDERS}{order.number}/confirm/")
    again = back_office_client.post(f"{SALES_ORDERS}{order.number}/confirm/")
    job_execute(code="1010")

    assert confirmed.status_code == 200
    assert (confirmed.json()["status"], confirmed.json()["decided_by"]) == (
        "confirmed",
        "anna.backoffice",
    )
    assert again.status_code == 409 and again.json()["code"] == "not_open"
    assert [email.recipient for email in _emails("order_confirmed")] == ["jan@zolc-lodz.pl"]
    site_order = Order.objects.get(number=order.channel_order_number)
    assert (site_order.status, site_order.sales_order_number) == ("confirmed", order.number)
    log = TransitionLog.objects.using("commerce").get(model="commerce.salesorder")
    assert (log.source_state, log.target_state, log.actor) == (
        "open",
        "confirmed",
        "anna.backoffice",
    )


def test_cancelling_needs_a_reason_which_the_buyer_reads(back_office_client):
    (order,) = sales_orders("PO-1").orders
    url = f"{SALES_ORDERS}{order.number}/cancel/"

    missing = back_office_client.post(url, {}, format="json")
    blank = back_office_client.post(url, {"reason": "   "}, format="json")
    cancelled = back_office_client.post(url, {"reason": "Out of stock until May"}, format="json")

    assert missing.status_code == 400 and "reason" in missing.json()
    assert blank.status_code == 400 and "reason" in blank.json()
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["status_reason"]) == (
        "cancelled",
        "Out of stock until May",
    )
    (email,) = _emails("order_cancelled")
    assert email.recipient == "jan@zolc-lodz.pl"


@pytest.mark.parametrize(
    "who", ["anonymous", "partner_admin", "rep", "integrator"], ids=lambda who: who
)
def test_only_back_office_reads_and_decides_sales_orders(who):
    made = sales_orders("PO-1")
    (order,) = made.orders
    client = APIClient()
    users = {
        "partner_admin": lambda: partner_login(made.partners.organization.admin_email),
        "rep": lambda: UserFactory(groups=[SALES_REPRESENTATIVES]),
        "integrator": lambda: UserFactory(groups=[INTEGRATION_ADMINISTRATORS]),
    }
    if who in users:
        client.force_authenticate(users[who]())

    listed = client.get(SALES_ORDERS)
    confirmed = client.post(f"{SALES_ORDERS}{order.number}/confirm/")
    cancelled = client.post(f"{SALES_ORDERS}{order.number}/cancel/", {"reason": "No"})

    assert (listed.status_code, confirmed.status_code, cancelled.status_code) == (403, 403, 403)
    assert SalesOrder.objects.using("commerce").get(pk=order.pk).status == "open"


# --- products ---------------------------------------------------------------------------------


def test_back_office_adds_and_changes_products_and_job_1040_releases_them(
    back_office_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(using="commerce", execute=True) as kicks:
        added = back_office_client.post(
            f"{API}/products/",
            {
                "product_number": " fx-7001 ",
                "name_en": "Wood screw",
                "name_pl": "Wkręt",
                "price": 2.5,
            },
            format="json",
        )
    duplicate = back_office_client.post(
        f"{API}/products/", {"product_number": "FX-7001", "name_en": "Again", "price": 1}
    )
    changed = back_office_client.patch(
        f"{API}/products/fx-7001/", {"price": "3.10", "active": False}, format="json"
    )
    bad_price = back_office_client.patch(f"{API}/products/FX-7001/", {"price": -1}, format="json")
    bad_currency = back_office_client.patch(
        f"{API}/products/FX-7001/", {"currency": "XYZ"}, format="json"
    )
    listed = back_office_client.get(f"{API}/products/", {"search": "wkręt"})
    inactive = back_office_client.get(f"{API}/products/", {"active": "false"})

    assert added.status_code == 201, added.json()
    assert (added.json()["product_number"], added.json()["currency"]) == ("FX-7001", "PLN")
    assert duplicate.status_code == 400 and "product_number" in duplicate.json()
    assert changed.status_code == 200
    assert (changed.json()["price"], changed.json()["active"]) == (3.1, False)
    assert bad_price.status_code == 400 and "price" in bad_price.json()
    assert bad_currency.status_code == 400 and "currency" in bad_currency.json()
    assert [p["product_number"] for p in listed.json()["results"]] == ["FX-7001"]
    assert [p["product_number"] for p in inactive.json()["results"]] == ["FX-7001"]
    assert Product.objects.using("commerce").get().price == Decimal("3.10")
    assert kicks  # job 1040 is kicked when the product is saved
    job_execute(code="1040")
    assert ChannelProduct.objects.get(product_number="FX-7001").active is False


def test_products_are_for_back_office_only(sales_rep_client):
    assert sales_rep_client.get(f"{API}/products/").status_code == 403
    assert sales_rep_client.post(f"{API}/products/", {"product_number": "X"}).status_code == 403
    assert not Product.objects.using("commerce").exists()
