"""The shopping journey in Polish in a real browser (SPEC §13): the admin of an approved partner
orders by catalog and quick order on account; a user's order above their spending limit waits
and the admin approves it; an order above the available credit is refused with the figures.
Every shop page is checked for English left over, overflow and serious axe-core violations."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from commerce.channel.models import Order
from commerce.jobs import job_execute
from commerce.models import SalesOrder
from commerce.services import customer_credit_limit_set, hierarchy_member_add, product_save
from tests.channel.portal_support import approved_organization, partner_login

from .conftest import PHONE, page_problems

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

PRODUCTS = {
    "FX-1001": ("Wood screw 4 x 40 mm", "Wkręt do drewna 4 x 40 mm", "100.00"),
    "FX-1002": ("Anchor bolt M10", "Kotwa M10", "500.00"),
    "FX-1003": ("Drill bit 8 mm", "Wiertło 8 mm", "12.50"),
}
USER_EMAIL = "jan.kowalski@hurtownia-zolc.pl"


@pytest.fixture
def partners(tasks_inline):
    """An approved organization with 10,000 PLN credit, its admin and a user whose orders above
    1,000 PLN need approval; three products on the site."""
    for number, (english, polish, price) in PRODUCTS.items():
        product_save(
            product_number=number,
            values={"name_en": english, "name_pl": polish, "price": Decimal(price)},
            actor="backoffice",
        )
    organization = approved_organization(
        first_name="Zofia", last_name="Żółkiewska", language="pl", country="PL"
    )
    customer_credit_limit_set(
        account_number=organization.prospect.organization_customer,
        credit_limit=Decimal("10000.00"),
        currency="PLN",
        credit_limit_type="balance",
        actor="backoffice",
    )
    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jan",
        last_name="Kowalski",
        email=USER_EMAIL,
        role="user",
        spending_limit=Decimal("1000.00"),
        language="pl",
        actor="backoffice",
    )
    for code in ("1010", "1040"):
        job_execute(code=code)
    data = (
        organization.prospect.company_name,
        "Zofia",
        "Żółkiewska",
        "Jan",
        "Kowalski",
        *PRODUCTS,
    )
    return {
        "admin": partner_login(organization.admin_email),
        "user": partner_login(USER_EMAIL),
        "data": data,
    }


def _checked(page: Page, problems: list[str], data) -> None:
    """The open page in Polish, at desktop width and on a phone."""
    problems += page_problems(page, "pl", data=data)
    page.set_viewport_size(PHONE)
    problems += page_problems(page, "pl", fits=True, data=data)
    page.set_viewport_size({"width": 1280, "height": 800})


def _checkout(page: Page, base: str, purchase_order: str) -> None:
    page.goto(f"{base}/pl/partner/cart/")
    page.fill("#id_purchase_order", purchase_order)
    page.locator("form[action$='/checkout/'] [type=submit]").click()
    page.wait_for_load_state()


def test_a_partner_orders_on_account_in_polish(live_server, open_signed_in, axe, partners):
    base, data, problems = live_server.url, partners["data"], []
    admin = open_signed_in(partners["admin"], "pl")

    # The catalog finds a product by its Polish name; it goes to the cart.
    admin.goto(f"{base}/pl/partner/shop/?q=wkręt")
    expect(admin.locator("main")).to_contain_text("Wkręt do drewna 4 x 40 mm")
    expect(admin.locator("main")).not_to_contain_text("Kotwa M10")
    problems += page_problems(admin, "pl", axe=axe, data=data)
    admin.fill("#quantity-FX-1001", "3")
    admin.locator("form.add-to-cart [type=submit]").first.click()
    admin.wait_for_load_state()

    # A quick order: the good line is added, the bad one is named.
    admin.goto(f"{base}/pl/partner/quick-order/")
    admin.fill("#id_text", "Numer produktu;Ilość\nFX-1003;4,0\nFX-9999;1")
    admin.locator("main form[enctype] [type=submit]").click()
    admin.wait_for_load_state()
    expect(admin.locator("main")).to_contain_text("FX-9999")
    problems += page_problems(admin, "pl", axe=axe, data=(*data, "FX-9999;1"))

    admin.goto(f"{base}/pl/partner/cart/")
    expect(admin.locator("main")).to_contain_text("350,00")  # 3 x 100 + 4 x 12.50
    problems += page_problems(admin, "pl", axe=axe, data=data)
    _checked(admin, problems, data)
    _checkout(admin, base, "ZAM/2026/17")

    order = Order.objects.get(purchase_order="ZAM/2026/17")
    assert order.status == Order.Status.CONFIRMED or order.status == Order.Status.PLACED
    assert SalesOrder.objects.filter(channel_order_number=order.number).exists()
    expect(admin.locator("main")).to_contain_text(order.number)
    problems += page_problems(admin, "pl", axe=axe, data=(*data, order.number, "ZAM/2026/17"))

    # The user orders 1,500 PLN, above their 1,000 PLN limit: the order waits for the admin.
    user = open_signed_in(partners["user"], "pl")
    user.goto(f"{base}/pl/partner/quick-order/")
    user.fill("#id_text", "FX-1002;3")
    user.locator("main form[enctype] [type=submit]").click()
    user.wait_for_load_state()
    _checkout(user, base, "JK-1")
    waiting = Order.objects.get(purchase_order="JK-1")
    assert waiting.status == Order.Status.AWAITING_APPROVAL
    expect(user.locator("main")).to_contain_text(waiting.number)

    admin.goto(f"{base}/pl/partner/orders/")
    expect(admin.locator("main")).to_contain_text(waiting.number)
    problems += page_problems(admin, "pl", axe=axe, data=(*data, order.number, waiting.number))
    admin.goto(f"{base}/pl/partner/orders/{waiting.number}/")
    problems += page_problems(admin, "pl", axe=axe, data=(*data, waiting.number, "JK-1"))
    admin.locator(f"form[action$='/{waiting.number}/approve/'] [type=submit]").click()
    admin.wait_for_load_state()
    waiting.refresh_from_db()
    assert waiting.status in (Order.Status.PLACED, Order.Status.CONFIRMED)
    assert SalesOrder.objects.filter(channel_order_number=waiting.number).exists()

    # 10,000 - 350 - 1,500 = 8,150 PLN left: an order of 9,000 PLN is refused with the figures.
    user.goto(f"{base}/pl/partner/quick-order/")
    user.fill("#id_text", "FX-1002;18")
    user.locator("main form[enctype] [type=submit]").click()
    user.wait_for_load_state()
    _checkout(user, base, "JK-2")
    expect(user.locator("main")).to_contain_text(re.compile(r"9\W?000,00"))
    expect(user.locator("main")).to_contain_text(re.compile(r"8\W?150,00"))
    assert not Order.objects.filter(purchase_order="JK-2").exists()
    problems += page_problems(user, "pl", axe=axe, data=(*data, "JK-2"))

    assert not problems, "\n".join(problems)
