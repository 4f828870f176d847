"""The shop's API for partner users (SPEC §13): orders placed in one call, with the checkout's
rules and refusals as JSON; who sees which order; approvals; the catalog."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from commerce.channel.models import CartLine, ChannelProduct, Order, TransitionLog
from commerce.channel.shop.services import cart_line_set
from core.access import COMMERCE_BACK_OFFICE
from tests.channel.portal_support import approved_organization, partner_login
from tests.channel.shop.support import colleague_add, credit_set, limits_set, products, shop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ORDERS = "/api/channel/orders/"


@pytest.fixture
def partners():
    products(FX_1001="100.00", FX_1002="2500.00", FX_1003="12.50")
    return shop()


def _client(user_id: int, language: str = "en") -> APIClient:
    client = APIClient(headers={"accept-language": language})
    client.force_authenticate(get_user_model().objects.get(pk=user_id))
    return client


def _place(client: APIClient, *lines: tuple[str, object], po: object = "PO-1"):
    body = {"purchase_order": po, "lines": [{"product_number": n, "quantity": q} for n, q in lines]}
    return client.post(ORDERS, body, format="json")


def _cart(user_id: int) -> list[tuple[str, int]]:
    return list(
        CartLine.objects.filter(user_id=user_id)
        .order_by("added_at", "id")
        .values_list("product_number", "quantity")
    )


# --- placing an order -------------------------------------------------------------------------


def test_an_order_is_placed_from_its_lines_and_the_page_cart_stays_as_it_was(partners):
    cart_line_set(user_id=partners.user_id, product_number="FX-1002", quantity=1)
    cart_line_set(user_id=partners.user_id, product_number="FX-1001", quantity=7)
    client = _client(partners.user_id)

    response = _place(client, ("fx-1001", 2), (" FX-1003 ", 4), ("FX-1001", 1), po=" PO 2026/17 ")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "placed" and body["number"].startswith("O-")
    assert (body["total"], body["currency"], body["purchase_order"]) == (350.0, "PLN", "PO 2026/17")
    assert [
        (line["product_number"], line["quantity"], line["line_total"]) for line in body["lines"]
    ] == [
        ("FX-1001", 3, 300.0),
        ("FX-1003", 4, 50.0),
    ]
    order = Order.objects.get(number=body["number"])
    assert (order.buyer_user_id, order.total) == (partners.user_id, Decimal("350.00"))
    assert _cart(partners.user_id) == [("FX-1002", 1), ("FX-1001", 7)]


def test_an_order_above_the_users_limit_waits_for_approval(partners):
    limits_set(partners.user_id, per_order="1000.00")

    response = _place(_client(partners.user_id), ("FX-1002", 1))

    assert response.status_code == 201
    assert response.json()["status"] == "awaiting_approval"
    assert "spending limit per order" in response.json()["approval_reason"]


def test_an_order_above_the_available_credit_is_refused_with_the_figures(partners):
    credit_set(partners.organization, "10000.00")
    _place(_client(partners.admin_id), ("FX-1002", 3))  # 7,500 reserved
    cart_line_set(user_id=partners.user_id, product_number="FX-1003", quantity=2)

    response = _place(_client(partners.user_id), ("FX-1002", 2))

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["total"], body["available"], body["currency"]) == (
        "credit_exceeded",
        "5000.00",
        "2500.00",
        "PLN",
    )
    assert "PLN\xa05,000.00" in body["detail"] and "PLN\xa02,500.00" in body["detail"]
    assert Order.objects.filter(buyer_user_id=partners.user_id).count() == 0
    assert _cart(partners.user_id) == [("FX-1003", 2)]  # the refusal changed nothing


def test_a_blocked_customer_is_refused(partners):
    credit_set(partners.organization, None, blocked=True)

    response = _place(_client(partners.user_id), ("FX-1001", 1))

    assert response.status_code == 409
    assert response.json()["code"] == "customer_blocked"
    assert "on hold" in response.json()["detail"]
    assert not Order.objects.exists()


def test_bad_lines_are_field_errors_by_line_and_nothing_is_ordered(partners):
    ChannelProduct.objects.filter(product_number="FX-1003").update(active=False)
    client = _client(partners.user_id)

    unknown = _place(client, ("FX-1001", 1), ("NOPE-1", 1), ("fx-1003", 2))
    types = _place(client, ("FX-1001", 0), ("", 2), ("FX-1002", "many"), ("FX-1001", 100_001))
    too_much = _place(client, ("FX-1001", 60_000), ("fx-1001", 50_000))
    no_po = _place(client, ("FX-1001", 1), po="")

    assert unknown.status_code == 400
    assert unknown.json()["code"] == "invalid_lines"
    assert unknown.json()["lines"] == {
        "1": {"product_number": ["There is no product NOPE-1."]},
        "2": {"product_number": ["Product FX-1003 can no longer be ordered."]},
    }
    assert types.status_code == 400
    assert set(types.json()["lines"]) == {"0", "1", "2", "3"}
    assert "quantity" in types.json()["lines"]["0"]
    assert "product_number" in types.json()["lines"]["1"]
    assert too_much.json()["lines"] == {
        "1": {"quantity": ["The quantity must be a whole number from 1 to 100,000."]}
    }
    assert no_po.status_code == 400 and "purchase_order" in no_po.json()
    assert not Order.objects.exists()


def test_an_order_needs_lines_and_takes_at_most_500(partners):
    client = _client(partners.user_id)

    empty = client.post(ORDERS, {"purchase_order": "PO-1", "lines": []}, format="json")
    many = _place(client, *[("FX-1001", 1)] * 501)
    not_a_list = client.post(ORDERS, {"purchase_order": "PO-1", "lines": "FX-1001"}, format="json")

    assert empty.status_code == 400 and "lines" in empty.json()
    assert many.status_code == 400 and "lines" in many.json()
    assert not_a_list.status_code == 400 and "lines" in not_a_list.json()
    assert not Order.objects.exists()


def test_staff_and_strangers_cannot_order(partners):
    back_office = APIClient()
    back_office.force_authenticate(UserFactory(groups=[COMMERCE_BACK_OFFICE]))

    refused = _place(back_office, ("FX-1001", 1))

    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only users of a partner organization can use the shop."
    assert _place(APIClient(), ("FX-1001", 1)).status_code == 403
    assert not Order.objects.exists()


# --- who sees which order ---------------------------------------------------------------------


def test_users_see_their_own_orders_admins_the_organizations_never_another_ones(partners):
    own = _place(_client(partners.user_id), ("FX-1001", 1)).json()["number"]
    admins = _place(_client(partners.admin_id), ("FX-1003", 1)).json()["number"]
    stranger = partner_login(approved_organization(first_name="Bohumil").admin_email)
    other = APIClient()
    other.force_authenticate(stranger)

    user_list = _client(partners.user_id).get(ORDERS).json()
    admin_list = _client(partners.admin_id).get(ORDERS).json()

    assert [order["number"] for order in user_list["results"]] == [own]
    assert sorted(order["number"] for order in admin_list["results"]) == sorted([own, admins])
    assert other.get(ORDERS).json()["results"] == []
    assert other.get(f"{ORDERS}{own}/").status_code == 404
    assert _client(partners.user_id).get(f"{ORDERS}{admins}/").status_code == 404
    detail = _client(partners.admin_id).get(f"{ORDERS}{own}/").json()
    assert detail["lines"][0]["product_number"] == "FX-1001"
    assert detail["buyer_name"] == "Jan Kowalski"


def test_the_order_list_filters_by_status_and_query(partners):
    limits_set(partners.user_id, per_order="50.00")
    client = _client(partners.user_id)
    waiting = _place(client, ("FX-1001", 1), po="ALPHA").json()["number"]
    placed = _place(client, ("FX-1003", 1), po="BETA").json()["number"]

    by_status = client.get(ORDERS, {"status": "awaiting_approval"}).json()["results"]
    by_query = client.get(ORDERS, {"q": "bet"}).json()["results"]
    bad = client.get(ORDERS, {"status": "lost"})

    assert [order["number"] for order in by_status] == [waiting]
    assert [order["number"] for order in by_query] == [placed]
    assert bad.status_code == 400 and "status" in bad.json()


# --- approving and declining ------------------------------------------------------------------


def _waiting_order(partners) -> str:
    limits_set(partners.user_id, per_order="50.00")
    response = _place(_client(partners.user_id), ("FX-1001", 1))
    assert response.json()["status"] == "awaiting_approval"
    return response.json()["number"]


def test_an_admin_approves_an_order_awaiting_approval(partners):
    number = _waiting_order(partners)

    refused = _client(partners.user_id).post(f"{ORDERS}{number}/approve/")
    approved = _client(partners.admin_id).post(f"{ORDERS}{number}/approve/")
    again = _client(partners.admin_id).post(f"{ORDERS}{number}/approve/")

    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only an admin of your organization can approve orders."
    assert approved.status_code == 200 and approved.json()["status"] == "placed"
    assert again.status_code == 409 and again.json()["code"] == "not_awaiting_approval"
    log = TransitionLog.objects.filter(model="channel.order", object_key=number).last()
    assert (log.source_state, log.target_state) == ("awaiting_approval", "placed")


def test_a_decline_needs_a_reason_and_tells_it(partners):
    number = _waiting_order(partners)
    admin = _client(partners.admin_id)

    missing = admin.post(f"{ORDERS}{number}/decline/", {}, format="json")
    declined = admin.post(f"{ORDERS}{number}/decline/", {"reason": "Over budget"}, format="json")

    assert missing.status_code == 400 and "reason" in missing.json()
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["status_reason"]) == (
        "declined",
        "Over budget",
    )


def test_another_organizations_admin_cannot_decide_and_an_admin_not_their_own(partners):
    number = _waiting_order(partners)
    other = APIClient()
    other.force_authenticate(partner_login(approved_organization(first_name="Bohumil").admin_email))
    second_admin = colleague_add(partners.organization, email="ewa@zolc-lodz.pl", role="admin")
    limits_set(partners.admin_id, per_order="50.00")
    own = _place(_client(partners.admin_id), ("FX-1001", 1)).json()["number"]

    foreign = other.post(f"{ORDERS}{number}/approve/")
    self_approval = _client(partners.admin_id).post(f"{ORDERS}{own}/approve/")
    by_colleague = _client(second_admin).post(f"{ORDERS}{own}/approve/")

    assert foreign.status_code == 404
    assert Order.objects.get(number=number).status == Order.Status.AWAITING_APPROVAL
    assert self_approval.status_code == 409 and self_approval.json()["code"] == "own_order"
    assert by_colleague.status_code == 200 and by_colleague.json()["status"] == "placed"


# --- the catalog ------------------------------------------------------------------------------


def test_partner_users_read_the_active_catalog_with_search_and_paging(partners):
    ChannelProduct.objects.filter(product_number="FX-1003").update(active=False)
    client = _client(partners.user_id, language="pl")

    everything = client.get("/api/channel/products/").json()
    found = client.get("/api/channel/products/", {"q": "produkt 1002"}).json()
    page = client.get("/api/channel/products/", {"limit": 1, "offset": 1}).json()
    staff = APIClient()
    staff.force_authenticate(get_user_model().objects.create(username="root", is_superuser=True))

    assert [p["product_number"] for p in everything["results"]] == ["FX-1001", "FX-1002"]
    assert everything["results"][0]["name"] == "Produkt FX_1001"
    assert everything["results"][0]["price"] == 100.0
    assert [p["product_number"] for p in found["results"]] == ["FX-1002"]
    assert (page["count"], [p["product_number"] for p in page["results"]]) == (2, ["FX-1002"])
    assert staff.get("/api/channel/products/").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"purchase_order": None, "lines": None},
        {"purchase_order": ["PO"], "lines": [{"product_number": "FX-1001", "quantity": 1}]},
        {"purchase_order": "PO\u202e1", "lines": [{"product_number": "FX-1001", "quantity": 1}]},
        {"purchase_order": "PO", "lines": [["FX-1001", 1]]},
        {"purchase_order": "PO", "lines": [{"product_number": {"a": 1}, "quantity": 1}]},
        {"purchase_order": "PO", "lines": [{"product_number": "FX-1001", "quantity": 1.5}]},
        {"purchase_order": "PO", "lines": [{"product_number": "FX-1001", "quantity": 10**30}]},
        {"purchase_order": "PO", "lines": [{"product_number": "FX\x00-1001", "quantity": 1}]},
        {"purchase_order": "PO", "lines": [{"product_number": "F" * 41, "quantity": 1}]},
        {"purchase_order": "PO", "lines": [{"product_number": "FX-1001 X", "quantity": True}]},
        {"purchase_order": "x" * 36, "lines": [{"product_number": "FX-1001", "quantity": 1}]},
    ],
)
def test_odd_bodies_are_refused_as_field_errors_never_a_server_error(partners, body):
    response = _client(partners.user_id).post(ORDERS, body, format="json")

    assert response.status_code == 400, response.content
    assert response.json() and not Order.objects.exists()
