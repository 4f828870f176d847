"""The shop's pages (SPEC §13): catalog, cart, quick order, checkout, orders and approvals."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commerce.channel.models import (
    CartLine,
    ChannelCustomer,
    ChannelHierarchyMember,
    ChannelProduct,
    Order,
    PartnerUser,
)
from commerce.jobs import job_execute
from commerce.services import hierarchy_member_add, product_save

from .portal_support import approved_organization, partner_login, signed_in

pytestmark = pytest.mark.django_db(databases="__all__")

SHOP = "/partner/shop/"
CART = "/partner/cart/"
CHECKOUT = "/partner/cart/checkout/"
QUICK = "/partner/quick-order/"
ORDERS = "/partner/orders/"
USER_EMAIL = "jan@kun.cz"


def _product(number: str, price: str, **values) -> ChannelProduct:
    return ChannelProduct.objects.using("channel").create(
        product_number=number,
        name_en=values.pop("name_en", f"Product {number}"),
        name_pl=values.pop("name_pl", f"Produkt {number}"),
        price=Decimal(price),
        currency="PLN",
        **values,
    )


def _credit(organization, limit: str | None, *, blocked: bool = False) -> None:
    ChannelCustomer.objects.using("channel").filter(
        account_number=organization.prospect.organization_customer
    ).update(
        credit_limit=Decimal(limit or 0),
        credit_limit_type="balance" if limit is not None else "none",
        balance=Decimal("0"),
        currency="PLN",
        blocked=blocked,
    )


def _limits(email: str, *, per_order: str | None = None, monthly: str | None = None) -> None:
    link = PartnerUser.objects.using("channel").get(user_id=partner_login(email).pk)
    ChannelHierarchyMember.objects.using("channel").filter(
        hierarchy_id=link.hierarchy_id, customer_id=link.account_number
    ).update(
        spending_limit=None if per_order is None else Decimal(per_order),
        monthly_spending_limit=None if monthly is None else Decimal(monthly),
    )


def _colleague(organization, email: str, *, role: str = "user") -> None:
    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jan",
        last_name="Novák",
        email=email,
        role=role,
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")


@pytest.fixture
def organization():
    organization = approved_organization(first_name="Zofia", last_name="Żółkiewska")
    _colleague(organization, USER_EMAIL)
    _credit(organization, "10000.00")
    _product("FX-1001", "100.00", name_en="Hex bolt M8", name_pl="Śruba sześciokątna M8")
    _product("FX-1002", "2500.00", name_en="Cordless drill")
    _product("FX-1003", "12.50", name_en="Wood screws, box of 200", unit="box")
    _product("FX-9000", "1.00", name_en="Withdrawn rivet", active=False)
    return organization


@pytest.fixture
def admin(organization):
    return signed_in(organization.admin_email)


@pytest.fixture
def user(organization):
    return signed_in(USER_EMAIL)


def _cart(client, number: str, quantity: int = 1):
    return client.post(
        "/partner/cart/add/", {"product_number": number, "quantity": quantity, "next": SHOP}
    )


def _checkout(client, purchase_order: str = "PO-2026/17"):
    return client.post(CHECKOUT, {"purchase_order": purchase_order})


def _number(response) -> str:
    return re.fullmatch(r"/partner/orders/(O-\d+)/", response["Location"]).group(1)


# --- catalog and product --------------------------------------------------------------------


def test_products_released_by_job_1040_are_in_the_catalog(admin):
    product_save(
        product_number="tl-2001",
        values={
            "name_en": "Torque wrench",
            "name_pl": "Klucz dynamometryczny",
            "name_cs": "Momentový klíč",
            "description_en": "Calibrated, 20-100 Nm.",
            "unit": "pc",
            "price": Decimal("349.90"),
            "currency": "PLN",
            "active": True,
        },
        actor="backoffice",
    )
    job_execute(code="1040")

    html = admin.get(SHOP + "?q=torque").content.decode()
    assert "TL-2001" in html and "Torque wrench" in html and "PLN\xa0349.90" in html
    assert 'action="/partner/cart/add/"' in html and 'name="quantity"' in html
    page = admin.get(SHOP + "TL-2001/").content.decode()
    assert "Calibrated, 20-100 Nm." in page and "Torque wrench" in page
    polish = admin.get("/pl" + SHOP + "TL-2001/").content.decode()
    assert "Klucz dynamometryczny" in polish and "349,90\xa0zł" in polish


def test_search_finds_by_number_and_by_a_name_in_any_language(admin):
    html = admin.get(SHOP, {"q": "sześciokątna"}).content.decode()

    assert "FX-1001" in html and "Hex bolt M8" in html  # shown in the page's language
    assert "FX-1002" not in html and "1 product matches" in html
    everything = admin.get(SHOP).content.decode()
    assert "FX-1002" in everything and "FX-9000" not in everything  # withdrawn: not shown


def test_the_catalog_pages_by_24_and_odd_page_numbers_do_not_fail(admin):
    for index in range(30):
        _product(f"PG-{index:03d}", "5.00")

    first = admin.get(SHOP, {"q": "PG-"}).content.decode()
    second = admin.get(SHOP, {"q": "PG-", "page": "2"}).content.decode()

    assert "PG-000" in first and "PG-023" in first and "PG-024" not in first
    assert "PG-024" in second and "PG-029" in second and "PG-000" not in second
    assert "Page 1 of 2" in first and "?q=PG-&amp;page=2" in first
    for odd in ("abc", "0", "-3", "999999999999999999999", "2.5", ""):
        response = admin.get(SHOP, {"q": "PG-", "page": odd})
        assert response.status_code == 200, odd
        assert "PG-0" in response.content.decode()


def test_an_unknown_or_withdrawn_product_page_is_not_found(admin):
    assert admin.get(SHOP + "NO-SUCH/").status_code == 404
    assert admin.get(SHOP + "FX-9000/").status_code == 404


# --- cart -------------------------------------------------------------------------------------


def test_adding_updating_and_removing_cart_lines(admin, organization):
    response = _cart(admin, "FX-1001", 3)
    assert response.status_code == 302 and response["Location"] == SHOP
    _cart(admin, "FX-1001", 2)
    _cart(admin, "FX-1003", 4)

    html = admin.get(CART).content.decode()
    assert 'value="5"' in html and "PLN\xa0550.00" in html  # 5 x 100 + 4 x 12.50
    assert "Cart <span" in html and "(9" in html  # the header counts the items

    admin.post("/partner/cart/update/", {"product_number": "FX-1001", "quantity": "2"})
    admin.post("/partner/cart/update/", {"product_number": "FX-1003", "remove": "1"})

    html = admin.get(CART).content.decode()
    assert "PLN\xa0200.00" in html and 'id="cart-FX-1003"' not in html
    assert "FX-1003 is removed from your cart." in html
    assert list(CartLine.objects.values_list("product_number", "quantity")) == [("FX-1001", 2)]


def test_a_bad_quantity_is_refused_with_a_message(admin):
    response = admin.post(
        "/partner/cart/add/", {"product_number": "FX-1001", "quantity": "0"}, follow=True
    )

    assert "greater than or equal to 1" in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_withdrawn_product_in_the_cart_is_flagged_and_blocks_checkout(admin):
    _cart(admin, "FX-1001", 1)
    _cart(admin, "FX-1002", 1)
    ChannelProduct.objects.filter(product_number="FX-1002").update(active=False)

    html = admin.get(CART).content.decode()
    assert "can no longer be ordered" in html and "FX-1002" in html and "Unavailable" in html

    html = _checkout(admin).content.decode()
    assert "These products can no longer be ordered" in html
    assert not Order.objects.exists()


# --- quick order ------------------------------------------------------------------------------


def test_a_quick_order_adds_the_good_lines_and_explains_each_bad_one(admin):
    text = "FX-1001, 2\nNO-SUCH, 1\nFX-1003; 3\nFX-9000, 4\nFX-1002, zero\n"

    response = admin.post(QUICK, {"text": text})

    html = response.content.decode()
    assert "2 products are added to your cart" in html
    for line, message in (
        ("2", "There is no product NO-SUCH."),
        ("4", "Product FX-9000 can no longer be ordered."),
        ("5", "The quantity must be a whole number of 1 or more."),
    ):
        assert re.search(
            rf"<td data-label=\"Line\">{line}</td>\s*<td[^>]*>.*?</td>\s*"
            rf"<td[^>]*>{re.escape(message)}</td>",
            html,
            re.S,
        ), line
    assert "FX-1002, zero" in html  # left in the box to correct
    assert sorted(CartLine.objects.values_list("product_number", "quantity")) == [
        ("FX-1001", 2),
        ("FX-1003", 3),
    ]


def test_a_quick_order_csv_from_excel_in_windows_1250(admin):
    content = "Numer produktu;Ilość\r\nFX-1001;2,0\r\nfx-1003;5\r\n".encode("cp1250")
    upload = SimpleUploadedFile("zamówienie.csv", content, content_type="text/csv")

    response = admin.post(QUICK, {"text": "", "file": upload})

    assert response.status_code == 302 and response["Location"] == CART
    assert sorted(CartLine.objects.values_list("product_number", "quantity")) == [
        ("FX-1001", 2),
        ("FX-1003", 5),
    ]


def test_a_quick_order_csv_with_a_byte_order_mark_and_too_large_files(admin):
    upload = SimpleUploadedFile("order.csv", "\ufeffFX-1002,1\n".encode(), content_type="text/csv")
    admin.post(QUICK, {"file": upload})
    assert list(CartLine.objects.values_list("product_number", "quantity")) == [("FX-1002", 1)]

    big = SimpleUploadedFile("big.csv", b"FX-1001,1\n" * 30000, content_type="text/csv")
    html = admin.post(QUICK, {"file": big}).content.decode()
    assert "The file is too large (at most 256 KB)." in html
    empty = admin.post(QUICK, {"text": "  "}).content.decode()
    assert "Type some lines or choose a CSV file." in empty
    assert CartLine.objects.get().quantity == 1


# --- checkout ---------------------------------------------------------------------------------


def test_checkout_places_the_order_and_shows_its_confirmation(user, organization):
    _cart(user, "FX-1001", 3)
    cart = user.get(CART).content.decode()
    assert "PLN\xa010,000.00" in cart  # available credit
    assert organization.prospect.company_name in cart  # delivered to the organization

    response = _checkout(user, "PO 2026/17")

    number = _number(response)
    order = Order.objects.get(number=number)
    assert (order.status, order.total) == ("placed", Decimal("300"))
    assert order.purchase_order == "PO 2026/17"
    html = user.get(response["Location"]).content.decode()
    assert f"order {number} is placed" in html
    assert "PO 2026/17" in html and "FX-1001" in html and "Hex bolt M8" in html
    assert "PLN\xa0300.00" in html and "Placed" in html
    assert not CartLine.objects.exists()


def test_checkout_without_a_purchase_order_reference_is_refused(user):
    _cart(user, "FX-1001", 1)

    html = _checkout(user, "  ").content.decode()

    assert "This field is required." in html and not Order.objects.exists()


def test_checkout_above_the_available_credit_is_refused_with_the_figures(user, organization):
    _credit(organization, "1000.00")
    _cart(user, "FX-1002", 1)

    response = _checkout(user)

    html = response.content.decode()
    assert response.status_code == 400
    assert "The order (PLN\xa02,500.00) is above your organization&#x27;s available credit" in html
    assert "(PLN\xa01,000.00)" in html
    assert not Order.objects.exists()
    assert CartLine.objects.get().product_number == "FX-1002"  # the cart stays as it was


def test_a_blocked_customer_cannot_check_out(user, organization):
    _credit(organization, "10000.00", blocked=True)
    _cart(user, "FX-1001", 1)

    html = _checkout(user).content.decode()

    assert "account is on hold" in html and not Order.objects.exists()


def test_an_empty_cart_cannot_be_checked_out(user):
    html = _checkout(user).content.decode()

    assert "Your cart is empty." in html and not Order.objects.exists()


# --- approvals --------------------------------------------------------------------------------


def _awaiting(user) -> str:
    _limits(USER_EMAIL, per_order="1000.00")
    _cart(user, "FX-1001", 15)
    response = _checkout(user)
    return _number(response)


def test_above_the_spending_limit_the_order_awaits_an_admin_who_approves_it(user, admin):
    number = _awaiting(user)

    confirmation = user.get(f"{ORDERS}{number}/").content.decode()
    assert f"Order {number} is awaiting approval by an admin of your organization" in confirmation
    assert "Awaiting approval by an admin of your organization." in confirmation
    assert "Above the spending limit per order (PLN\xa01,000.00)." in confirmation
    assert "Approve" not in confirmation  # a user does not decide
    listing = admin.get(ORDERS).content.decode()
    assert "Awaiting your approval" in listing and number in listing

    response = admin.post(f"{ORDERS}{number}/approve/", follow=True)

    html = response.content.decode()
    assert f"Order {number} is approved and placed." in html
    assert Order.objects.get(number=number).status == "placed"
    assert "Awaiting your approval" not in admin.get(ORDERS).content.decode()
    assert "Approved by Zofia Żółkiewska" in html  # the timeline


def test_a_user_cannot_approve_even_their_own_order(user):
    number = _awaiting(user)

    html = user.post(f"{ORDERS}{number}/approve/", follow=True).content.decode()

    assert "Only an admin of your organization can approve or decline orders." in html
    assert Order.objects.get(number=number).status == "awaiting_approval"


def test_an_admin_declines_with_a_reason_the_buyer_reads(user, admin):
    number = _awaiting(user)
    decline = f"{ORDERS}{number}/decline/"

    assert "Reason" in admin.get(decline).content.decode()
    refused = admin.post(decline, {"reason": " "})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert Order.objects.get(number=number).status == "awaiting_approval"

    response = admin.post(decline, {"reason": "Over the quarterly budget"})

    assert response["Location"] == f"{ORDERS}{number}/"
    order = Order.objects.get(number=number)
    assert (order.status, order.status_reason) == ("declined", "Over the quarterly budget")
    html = user.get(f"{ORDERS}{number}/").content.decode()
    assert "Declined" in html and "Over the quarterly budget" in html
    assert user.get(decline).status_code == 403


def test_an_admin_cannot_approve_their_own_order_when_another_admin_exists(admin, organization):
    _colleague(organization, "eva@kun.cz", role="admin")
    _limits(organization.admin_email, per_order="50.00")
    _cart(admin, "FX-1001", 1)
    number = _number(_checkout(admin))

    html = admin.post(f"{ORDERS}{number}/approve/", follow=True).content.decode()

    assert "Another admin of your organization must approve your own order." in html
    assert Order.objects.get(number=number).status == "awaiting_approval"
    other = signed_in("eva@kun.cz").post(f"{ORDERS}{number}/approve/", follow=True)
    assert f"Order {number} is approved and placed." in other.content.decode()


# --- order history and visibility -------------------------------------------------------------


def test_users_see_their_own_orders_admins_the_organizations(user, admin, organization):
    _cart(user, "FX-1001", 1)
    users_order = _number(_checkout(user, "PO-USER"))
    _cart(admin, "FX-1003", 2)
    admins_order = _number(_checkout(admin, "PO-ADMIN"))

    mine = user.get(ORDERS).content.decode()
    assert users_order in mine and admins_order not in mine
    assert user.get(f"{ORDERS}{admins_order}/").status_code == 404
    everyone = admin.get(ORDERS).content.decode()
    assert users_order in everyone and admins_order in everyone
    filtered = admin.get(ORDERS, {"q": "PO-USER"}).content.decode()
    assert users_order in filtered and admins_order not in filtered
    by_status = admin.get(ORDERS, {"status": "declined"}).content.decode()
    assert users_order not in by_status and "No order matches these filters." in by_status
    assert admin.get(ORDERS, {"status": "bogus", "page": "x"}).status_code == 200

    stranger = approved_organization(first_name="Bohumil", last_name="Hrabal")
    outsider = signed_in(stranger.admin_email)
    assert outsider.get(f"{ORDERS}{users_order}/").status_code == 404
    assert outsider.post(f"{ORDERS}{users_order}/reorder/").status_code == 404
    assert users_order not in outsider.get(ORDERS).content.decode()


def test_reorder_puts_the_lines_back_and_names_the_unavailable_products(user):
    _cart(user, "FX-1001", 2)
    _cart(user, "FX-1003", 4)
    number = _number(_checkout(user))
    ChannelProduct.objects.filter(product_number="FX-1003").update(active=False)

    response = user.post(f"{ORDERS}{number}/reorder/", follow=True)

    html = response.content.decode()
    assert "can no longer be ordered and were left out: FX-1003" in html
    assert f"The products of order {number} are in your cart." in html
    assert list(CartLine.objects.values_list("product_number", "quantity")) == [("FX-1001", 2)]


def test_the_header_links_the_shop_for_partners_only(user, client):
    html = user.get("/partner/account/").content.decode()

    for link in (SHOP, QUICK, CART, ORDERS):
        assert f'href="{link}"' in html
    assert 'href="/partner/shop/"' not in client.get("/").content.decode()
