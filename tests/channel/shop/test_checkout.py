"""Checkout on account: credit, spending limits, approval (SPEC §13)."""

from decimal import Decimal

import pytest

from commerce.channel.models import CartLine, ChannelCustomer, Order, TransitionLog
from commerce.channel.shop.checkout import order_checkout
from commerce.channel.shop.selectors import month_spent, organization_credit
from commerce.channel.shop.services import (
    cart_line_set,
    order_approve,
    order_decline,
    order_reorder,
    quick_order_add,
)
from core.errors import NotAllowed, ServiceError

from .support import colleague_add, credit_set, limits_set, products, shop

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def partners():
    products(FX_1001="100.00", FX_1002="2500.00", FX_1003="12.50")
    return shop()


def _order(user_id: int, *lines: tuple[str, int], po: str = "PO-1") -> Order:
    for number, quantity in lines:
        cart_line_set(user_id=user_id, product_number=number, quantity=quantity)
    return order_checkout(user_id=user_id, purchase_order=po, actor="buyer")


def _credit(partners) -> Decimal | None:
    organization = ChannelCustomer.objects.get(
        account_number=partners.organization.prospect.organization_customer
    )
    return organization_credit(organization=organization).available


def test_a_placed_order_reserves_credit_and_empties_the_cart(partners):
    credit_set(partners.organization, "10000.00")

    order = _order(partners.user_id, ("FX-1001", 3), ("FX-1003", 4), po="  PO  2026/17 ")

    assert order.status == Order.Status.PLACED and order.number.startswith("O-")
    assert order.total == Decimal("350.00") and order.currency == "PLN"
    assert order.purchase_order == "PO 2026/17"
    assert [(line.product_number, line.line_total) for line in order.lines.all()] == [
        ("FX-1001", Decimal("300.00")),
        ("FX-1003", Decimal("50.00")),
    ]
    assert order.lines.first().product_name == "Produkt FX_1001"  # the buyer's language (pl)
    assert _credit(partners) == Decimal("9650.00")
    assert not CartLine.objects.filter(user_id=partners.user_id).exists()
    log = TransitionLog.objects.get(model="channel.order", object_key=order.number)
    assert (log.source_state, log.target_state, log.actor) == ("", "placed", "buyer")


def test_an_order_above_the_available_credit_is_refused_with_the_figures(partners):
    credit_set(partners.organization, "10000.00")
    _order(partners.admin_id, ("FX-1002", 3))  # 7,500 reserved

    with pytest.raises(ServiceError) as refused:
        _order(partners.user_id, ("FX-1002", 2))

    assert refused.value.code == "credit_exceeded"
    assert "PLN\xa05,000.00" in str(refused.value.message)
    assert "PLN\xa02,500.00" in str(refused.value.message)
    assert refused.value.details == {"total": "5000.00", "available": "2500.00", "currency": "PLN"}
    assert Order.objects.count() == 1
    assert CartLine.objects.get(user_id=partners.user_id).quantity == 2  # the cart is kept


def test_a_blocked_customer_cannot_order(partners):
    credit_set(partners.organization, None, blocked=True)
    with pytest.raises(NotAllowed) as refused:
        _order(partners.user_id, ("FX-1001", 1))
    assert refused.value.code == "customer_blocked" and not Order.objects.exists()


def test_without_a_credit_limit_the_organization_is_not_held(partners):
    credit_set(partners.organization, None)
    order = _order(partners.user_id, ("FX-1002", 40))
    assert order.status == Order.Status.PLACED and _credit(partners) is None


def test_an_order_above_the_spending_limit_waits_for_an_admin(partners):
    credit_set(partners.organization, "10000.00")
    limits_set(partners.user_id, per_order="1000.00")

    order = _order(partners.user_id, ("FX-1001", 15))

    assert order.status == Order.Status.AWAITING_APPROVAL
    assert "per order" in order.approval_reason
    assert _credit(partners) == Decimal("8500.00")  # reserved while it waits

    approved = order_approve(user_id=partners.admin_id, number=order.number, actor="admin")

    assert approved.status == Order.Status.PLACED and approved.decided_by == "admin"
    transitions = TransitionLog.objects.filter(object_key=order.number).values_list(
        "target_state", flat=True
    )
    assert list(transitions) == ["awaiting_approval", "placed"]


def test_the_monthly_limit_counts_the_month_s_orders(partners):
    limits_set(partners.user_id, monthly="1000.00")

    first = _order(partners.user_id, ("FX-1001", 6))
    second = _order(partners.user_id, ("FX-1001", 4))
    third = _order(partners.user_id, ("FX-1001", 1))

    assert [first.status, second.status, third.status] == ["placed", "placed", "awaiting_approval"]
    assert "monthly" in third.approval_reason
    assert month_spent(user_id=partners.user_id) == Decimal("1100.00")


def test_a_declined_order_frees_its_credit_and_keeps_the_reason(partners):
    credit_set(partners.organization, "10000.00")
    limits_set(partners.user_id, per_order="0.00")
    order = _order(partners.user_id, ("FX-1002", 2))
    assert _credit(partners) == Decimal("5000.00")

    declined = order_decline(
        user_id=partners.admin_id, number=order.number, reason="Over budget", actor="admin"
    )

    assert declined.status == Order.Status.DECLINED and declined.status_reason == "Over budget"
    assert _credit(partners) == Decimal("10000.00")
    with pytest.raises(NotAllowed):
        order_approve(user_id=partners.admin_id, number=order.number, actor="admin")


def test_a_decline_needs_a_reason(partners):
    limits_set(partners.user_id, per_order="0.00")
    order = _order(partners.user_id, ("FX-1001", 1))
    with pytest.raises(ServiceError) as refused:
        order_decline(user_id=partners.admin_id, number=order.number, reason="  ", actor="a")
    assert "reason" in refused.value.details
    assert Order.objects.get(pk=order.pk).status == Order.Status.AWAITING_APPROVAL


def test_a_user_cannot_approve(partners):
    limits_set(partners.admin_id, per_order="0.00")
    order = _order(partners.admin_id, ("FX-1001", 1))
    with pytest.raises(NotAllowed):
        order_approve(user_id=partners.user_id, number=order.number, actor="user")


def test_an_admin_s_own_order_follows_their_limit_and_needs_another_admin(partners):
    limits_set(partners.admin_id, per_order="50.00")
    order = _order(partners.admin_id, ("FX-1001", 1))
    assert order.status == Order.Status.AWAITING_APPROVAL

    # The only admin may approve their own order.
    order_approve(user_id=partners.admin_id, number=order.number, actor="admin")

    second_admin = colleague_add(partners.organization, email="ewa@zolc-lodz.pl", role="admin")
    limits_set(partners.admin_id, per_order="50.00")  # job 1010 copied HQ's terms again
    order = _order(partners.admin_id, ("FX-1001", 1))
    with pytest.raises(NotAllowed) as refused:
        order_approve(user_id=partners.admin_id, number=order.number, actor="admin")
    assert refused.value.code == "own_order"

    assert order_approve(user_id=second_admin, number=order.number, actor="ewa").status == "placed"


def test_another_organization_s_admin_cannot_decide(partners):
    limits_set(partners.user_id, per_order="0.00")
    order = _order(partners.user_id, ("FX-1001", 1))
    from tests.channel.portal_support import approved_organization, partner_login

    other = approved_organization(first_name="Other", last_name="Admin")
    with pytest.raises(ServiceError) as refused:
        order_approve(user_id=partner_login(other.admin_email).pk, number=order.number, actor="x")
    assert refused.value.code == "not_found"


def test_checkout_refuses_an_empty_cart_and_a_missing_purchase_order(partners):
    with pytest.raises(ServiceError) as empty:
        order_checkout(user_id=partners.user_id, purchase_order="PO", actor="u")
    assert empty.value.code == "cart_empty"
    cart_line_set(user_id=partners.user_id, product_number="FX-1001", quantity=1)
    with pytest.raises(ServiceError) as missing:
        order_checkout(user_id=partners.user_id, purchase_order=" ", actor="u")
    assert "purchase_order" in missing.value.details and not Order.objects.exists()


def test_quick_order_adds_the_good_lines_and_names_the_bad_ones(partners):
    from commerce.channel.models import ChannelProduct

    ChannelProduct.objects.filter(product_number="FX-1003").update(active=False)

    result = quick_order_add(
        user_id=partners.user_id, text="fx-1001;2\nFX-9999;1\nFX-1003;1\nFX-1002;x\nFX-1001;1"
    )

    assert result.added == {"FX-1001": 3}
    assert [(error.line, error.message) for error in result.errors] == [
        (2, "There is no product FX-9999."),
        (3, "Product FX-1003 can no longer be ordered."),
        (4, "The quantity must be a whole number of 1 or more."),
    ]
    assert CartLine.objects.get(user_id=partners.user_id).quantity == 3


def test_reorder_puts_the_lines_back_and_names_what_is_gone(partners):
    from commerce.channel.models import ChannelProduct

    order = _order(partners.user_id, ("FX-1001", 2), ("FX-1003", 5))
    ChannelProduct.objects.filter(product_number="FX-1003").update(active=False)

    gone = order_reorder(user_id=partners.user_id, order=order)

    assert gone == ["FX-1003"]
    assert list(CartLine.objects.values_list("product_number", "quantity")) == [("FX-1001", 2)]
