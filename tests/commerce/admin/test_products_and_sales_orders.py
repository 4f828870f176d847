"""HQ's products and sales orders pages (commerce/admin/products.py, sales_orders.py) and the
members' monthly spending limit (commerce/admin/hierarchies.py)."""

from decimal import Decimal

import pytest
from django.test import Client

from commerce.models import AuditEntry, EmailNotification, HierarchyMember, Product, SalesOrder
from commerce.services import product_save
from core.access import INTEGRATION_ADMINISTRATORS
from tests.commerce.sales_orders_support import sales_orders
from tests.factories import HierarchyMemberFactory, UserFactory

from .support import hierarchy_page, hq_url, member_url

pytestmark = pytest.mark.django_db(databases="__all__")

PRODUCTS_URL = "/hq/commerce/product/"
SALES_ORDERS_URL = "/hq/commerce/salesorder/"


def _product(number: str, name: str, price: str, *, active: bool = True) -> Product:
    return product_save(
        product_number=number,
        values={"name_en": name, "price": Decimal(price), "active": active},
        actor="test",
    )


def _sales_order(number: str) -> SalesOrder:
    return SalesOrder.objects.using("commerce").get(number=number)


def _emails(kind: str) -> list[str]:
    return list(
        EmailNotification.objects.using("commerce")
        .filter(type=kind)
        .values_list("recipient", flat=True)
    )


# --- products ---------------------------------------------------------------------------------


def test_the_product_list_shows_prices_as_money_with_search_and_filter(back_office):
    _product("FX-1001", "Hex bolt M8", "12500.50")
    _product("FX-1002", "Wood screw", "0.80", active=False)

    page = back_office.get(PRODUCTS_URL).content.decode()
    found = back_office.get(PRODUCTS_URL, {"q": "bolt"}).content.decode()
    inactive = back_office.get(PRODUCTS_URL, {"active__exact": "0"}).content.decode()

    assert "Hex bolt M8" in page and "Wood screw" in page
    assert "PLN\xa012,500.50" in page
    assert "FX-1001" in found and "FX-1002" not in found
    assert "FX-1002" in inactive and "FX-1001" not in inactive


def test_the_product_list_is_in_the_readers_language(back_office):
    _product("FX-1001", "Hex bolt M8", "12500.50")

    page = back_office.get(PRODUCTS_URL, headers={"accept-language": "pl"}).content.decode()

    assert "12\xa0500,50\xa0zł" in page


def test_back_office_adds_a_product_through_the_service(
    back_office, django_capture_on_commit_callbacks
):
    form = back_office.get(f"{PRODUCTS_URL}add/").content.decode()
    with django_capture_on_commit_callbacks(using="commerce") as kicks:
        response = back_office.post(
            f"{PRODUCTS_URL}add/",
            {
                "product_number": " fx-7001",
                "unit": "box",
                "price": "45.90",
                "currency": "czk",
                "active": "on",
                "name_en": "Wood screws 4x40",
                "name_pl": "Wkręty 4x40",
                "name_cs": "Vruty 4x40",
                "description_en": "Box of 200",
            },
        )

    assert 'name="name_cs"' in form and 'name="description_pl"' in form
    assert response.status_code == 302
    product = Product.objects.using("commerce").get()
    assert (product.product_number, product.unit, product.price, product.currency) == (
        "FX-7001",
        "box",
        Decimal("45.90"),
        "CZK",
    )
    assert product.name_in("cs") == "Vruty 4x40"
    assert AuditEntry.objects.using("commerce").filter(object_key="FX-7001").exists()
    assert len(kicks) == 1  # job 1040, after the commit


def test_back_office_changes_a_product_but_not_its_number_and_never_deletes_it(back_office):
    product = _product("FX-1001", "Hex bolt M8", "12.50")
    url = hq_url("commerce_product_change", product.pk)

    page = back_office.get(url).content.decode()
    response = back_office.post(
        url,
        {
            "product_number": "HACKED",
            "unit": "pc",
            "price": "13.10",
            "currency": "PLN",
            "name_en": "Hex bolt M8 zinc",
        },
    )
    bad = back_office.post(url, {"unit": "pc", "price": "-1", "currency": "XX", "name_en": ""})

    assert 'name="product_number"' not in page and "FX-1001" in page
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.product_number, product.price, product.active) == (
        "FX-1001",
        Decimal("13.10"),
        False,  # the box was left unticked
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    assert back_office.get(hq_url("commerce_product_delete", product.pk)).status_code == 403


# --- sales orders -----------------------------------------------------------------------------


def test_the_sales_order_list_shows_orders_with_money_and_filters(back_office):
    first, second = sales_orders("PO-ALPHA", "PO-BETA").orders
    back_office.post(hq_url("commerce_salesorder_confirm", second.pk))

    page = back_office.get(SALES_ORDERS_URL).content.decode()
    open_ones = back_office.get(SALES_ORDERS_URL, {"status__exact": "open"}).content.decode()
    found = back_office.get(SALES_ORDERS_URL, {"q": "beta"}).content.decode()

    for text in (first.number, first.channel_order_number, "Jan Kowalski", "PO-ALPHA"):
        assert text in page
    assert "PLN\xa0350.00" in page and "Confirmed" in page and "Open" in page
    assert first.number in open_ones and second.number not in open_ones
    assert second.number in found and first.number not in found
    assert "/hq/commerce/salesorder/add/" not in page


def test_a_sales_order_page_is_read_only_with_lines_log_and_buttons(back_office):
    (order,) = sales_orders("PO-1").orders

    page = back_office.get(hq_url("commerce_salesorder_change", order.pk)).content.decode()

    assert 'name="_save"' not in page
    for text in ("FX-1001", "Produkt FX_1001", "PLN\xa0300.00", "PLN\xa012.50", "PO-1"):
        assert text in page
    assert hq_url("commerce_salesorder_confirm", order.pk) in page
    assert hq_url("commerce_salesorder_cancel", order.pk) in page
    assert "No transitions yet." in page


def test_confirming_through_the_page_changes_the_order_and_queues_the_email(back_office):
    (order,) = sales_orders("PO-1").orders
    url = hq_url("commerce_salesorder_confirm", order.pk)

    confirmation = back_office.get(url).content.decode()
    response = back_office.post(url, follow=True)

    assert f"Confirm sales order {order.number}" in confirmation
    assert "jan@zolc-lodz.pl is emailed the confirmation." in confirmation
    assert "PLN\xa0350.00" in confirmation
    assert _sales_order(order.number).status == SalesOrder.Status.CONFIRMED
    assert _sales_order(order.number).decided_by == "ewa.backoffice"
    assert _emails("order_confirmed") == ["jan@zolc-lodz.pl"]
    page = response.content.decode()
    assert f"Sales order {order.number} is confirmed" in page
    assert "Open → Confirmed" in page and "ewa.backoffice" in page
    assert hq_url("commerce_salesorder_confirm", order.pk) not in page


def test_cancelling_asks_a_reason_then_cancels_and_queues_the_email(back_office):
    (order,) = sales_orders("PO-1").orders
    url = hq_url("commerce_salesorder_cancel", order.pk)

    without = back_office.post(url, {"reason": ""})
    response = back_office.post(url, {"reason": "Out of stock until May"}, follow=True)

    assert without.status_code == 200 and "This field is required." in without.content.decode()
    cancelled = _sales_order(order.number)
    assert (cancelled.status, cancelled.status_reason) == ("cancelled", "Out of stock until May")
    assert _emails("order_cancelled") == ["jan@zolc-lodz.pl"]
    page = response.content.decode()
    assert f"Sales order {order.number} is cancelled" in page
    assert "Out of stock until May" in page


def test_a_decided_orders_buttons_send_back_with_the_reason(back_office):
    (order,) = sales_orders("PO-1").orders
    back_office.post(hq_url("commerce_salesorder_confirm", order.pk))

    response = back_office.get(hq_url("commerce_salesorder_cancel", order.pk), follow=True)

    assert f"Sales order {order.number} is already confirmed." in response.content.decode()
    assert _sales_order(order.number).status == SalesOrder.Status.CONFIRMED
    assert _emails("order_cancelled") == []


def test_integration_administrators_cannot_decide_sales_orders():
    (order,) = sales_orders("PO-1").orders
    client = Client()
    client.force_login(UserFactory(groups=[INTEGRATION_ADMINISTRATORS]))

    response = client.post(hq_url("commerce_salesorder_confirm", order.pk))

    assert response.status_code == 403
    assert _sales_order(order.number).status == SalesOrder.Status.OPEN


# --- members' monthly spending limit ----------------------------------------------------------


def test_back_office_sets_a_members_monthly_spending_limit(back_office, admin_member):
    user = HierarchyMemberFactory(
        hierarchy=admin_member.hierarchy, role="user", spending_limit=Decimal("500.00")
    )
    url = member_url("change", user)

    form = back_office.get(url).content.decode()
    back_office.post(
        url,
        {
            "first_name": user.customer.first_name,
            "last_name": user.customer.last_name,
            "role": "user",
            "spending_limit": "500.00",
            "monthly_spending_limit": "3000",
        },
    )

    assert 'name="monthly_spending_limit"' in form
    user = HierarchyMember.objects.using("commerce").get(pk=user.pk)
    assert (user.spending_limit, user.monthly_spending_limit) == (
        Decimal("500.00"),
        Decimal("3000.00"),
    )
    page = hierarchy_page(back_office, admin_member.hierarchy)
    assert "monthly spending limit" in page.lower() and "3000.00" in page
