"""Orders travel site → HQ → site (SPEC §13): P-0001 stages the order events, "Synchronize
orders and channel requests" turns placed orders into sales orders and queues the emails, job
1010 reports HQ's confirmation or cancellation back."""

from decimal import Decimal

import pytest

from commerce.channel.models import Order, TransitionLog
from commerce.channel.shop.checkout import order_checkout
from commerce.channel.shop.services import (
    cart_line_set,
    order_approve,
    order_decline,
)
from commerce.jobs import job_execute
from commerce.models import ChannelRequest, EmailNotification, SalesOrder
from commerce.services import sales_order_cancel, sales_order_confirm
from tests.channel.shop.support import colleague_add, credit_set, limits_set, products, shop

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def partners():
    products(FX_1001="100.00", FX_1002="2500.00", FX_1003="12.50")
    partners = shop()
    credit_set(partners.organization, "100000.00")
    return partners


def _order(user_id: int, *lines: tuple[str, int], po: str = "PO-1") -> Order:
    for number, quantity in lines:
        cart_line_set(user_id=user_id, product_number=number, quantity=quantity)
    return order_checkout(user_id=user_id, purchase_order=po, actor="buyer@example.com")


def _to_hq() -> None:
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")


def _emails(kind: str) -> list[EmailNotification]:
    return list(EmailNotification.objects.using("commerce").filter(type=kind).order_by("id"))


def _staged_orders() -> int:
    return ChannelRequest.objects.using("commerce").filter(request_type="order").count()


def test_p0001_stages_a_placed_order_once(partners):
    order = _order(partners.user_id, ("FX-1001", 2))

    first = job_execute(code="P-0001")
    again = job_execute(code="P-0001")

    assert first.rows == 1 and again.rows == 0
    staged = ChannelRequest.objects.using("commerce").get(request_type="order")
    assert staged.payload["number"] == order.number
    assert staged.payload["status"] == "placed" and staged.email == "jan@zolc-lodz.pl"
    order.refresh_from_db()
    assert order.uploaded_status == "placed"


def test_sync_turns_a_placed_order_into_a_sales_order_and_emails_the_buyer(partners):
    order = _order(partners.user_id, ("FX-1001", 3), ("FX-1003", 4), po="PO 2026/17")

    _to_hq()
    job_execute(code="sync-channel-requests")  # again: nothing new

    sales_order = SalesOrder.objects.using("commerce").get()
    assert sales_order.number.startswith("SO-") and sales_order.number[3:].isdigit()
    assert sales_order.channel_order_id == order.order_id
    assert sales_order.channel_order_number == order.number
    assert sales_order.status == SalesOrder.Status.OPEN
    assert (sales_order.total, sales_order.currency) == (Decimal("350.00"), "PLN")
    assert sales_order.purchase_order == "PO 2026/17"
    assert sales_order.customer == partners.organization.prospect.organization_customer
    assert (
        sales_order.ordered_by == "Jan Kowalski" and sales_order.buyer_email == "jan@zolc-lodz.pl"
    )
    lines = list(sales_order.lines.order_by("line_number"))
    assert [
        (line.product_number, line.quantity, line.unit_price, line.line_total) for line in lines
    ] == [
        ("FX-1001", 3, Decimal("100.00"), Decimal("300.00")),
        ("FX-1003", 4, Decimal("12.50"), Decimal("50.00")),
    ]
    (placed,) = _emails("order_placed")
    assert placed.recipient == "jan@zolc-lodz.pl" and placed.language == "pl"
    assert placed.context["order_number"] == order.number
    assert placed.context["total"] == "350.00"
    assert [line["product_number"] for line in placed.context["lines"]] == ["FX-1001", "FX-1003"]


def test_sales_order_numbers_come_from_one_sequence(partners):
    first = _order(partners.user_id, ("FX-1001", 1))
    second = _order(partners.admin_id, ("FX-1003", 1))

    _to_hq()

    numbers = dict(
        SalesOrder.objects.using("commerce").values_list("channel_order_number", "number")
    )
    assert set(numbers) == {first.number, second.number}
    digits = sorted(int(number[3:]) for number in numbers.values())
    assert digits[1] == digits[0] + 1


def test_an_order_awaiting_approval_asks_each_admin_and_makes_no_sales_order(partners):
    colleague_add(partners.organization, email="ewa@zolc-lodz.pl", role="admin")
    limits_set(partners.user_id, per_order="1000.00")
    order = _order(partners.user_id, ("FX-1002", 1))
    assert order.status == Order.Status.AWAITING_APPROVAL

    _to_hq()
    _to_hq()

    assert not SalesOrder.objects.using("commerce").exists()
    requests = _emails("order_approval_requested")
    assert sorted(email.recipient for email in requests) == sorted(
        [partners.organization.admin_email, "ewa@zolc-lodz.pl"]
    )
    assert all(email.context["order_number"] == order.number for email in requests)
    assert all("1" in email.context["approval_reason"] for email in requests)
    assert not _emails("order_placed")

    order_approve(user_id=partners.admin_id, number=order.number, actor="admin")
    _to_hq()

    sales_order = SalesOrder.objects.using("commerce").get()
    assert sales_order.channel_order_number == order.number
    assert len(_emails("order_placed")) == 1 and len(_emails("order_approval_requested")) == 2


def test_a_declined_order_emails_the_buyer_the_reason(partners):
    limits_set(partners.user_id, per_order="1000.00")
    order = _order(partners.user_id, ("FX-1002", 1))
    _to_hq()

    order_decline(
        user_id=partners.admin_id, number=order.number, reason="Budżet wyczerpany", actor="admin"
    )
    _to_hq()

    assert not SalesOrder.objects.using("commerce").exists()
    (declined,) = _emails("order_declined")
    assert declined.recipient == "jan@zolc-lodz.pl"
    assert declined.context["reason"] == "Budżet wyczerpany"
    assert declined.context["order_number"] == order.number
    assert _staged_orders() == 2  # awaiting approval, then declined


def _transition(order: Order, target: str) -> TransitionLog:
    return TransitionLog.objects.using("channel").get(
        model="channel.order", object_key=order.number, target_state=target
    )


def test_confirmed_in_hq_the_order_is_confirmed_on_the_site_and_the_buyer_emailed(partners):
    order = _order(partners.user_id, ("FX-1001", 1))
    _to_hq()
    job_execute(code="1010")
    order.refresh_from_db()
    sales_order = SalesOrder.objects.using("commerce").get()
    assert order.sales_order_number == sales_order.number and order.status == "placed"

    sales_order_confirm(number=sales_order.number, actor="backoffice")
    job_execute(code="1010")
    job_execute(code="1010")

    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert order.sales_order_number == sales_order.number
    log = _transition(order, "confirmed")
    assert (log.source_state, log.actor) == ("placed", "job 1010")
    (confirmed,) = _emails("order_confirmed")
    assert confirmed.recipient == "jan@zolc-lodz.pl"
    assert confirmed.context["sales_order"] == sales_order.number


def test_cancelled_in_hq_the_order_is_cancelled_on_the_site_with_the_reason(partners):
    order = _order(partners.user_id, ("FX-1001", 1))
    _to_hq()

    sales_order = SalesOrder.objects.using("commerce").get()
    sales_order_cancel(number=sales_order.number, reason="Brak towaru", actor="backoffice")
    job_execute(code="1010")

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.status_reason == "Brak towaru"
    assert order.sales_order_number == sales_order.number
    log = _transition(order, "cancelled")
    assert (log.source_state, log.reason) == ("placed", "Brak towaru")
    (cancelled,) = _emails("order_cancelled")
    assert (
        cancelled.recipient == "jan@zolc-lodz.pl" and cancelled.context["reason"] == "Brak towaru"
    )


def test_a_bad_staged_order_fails_alone(partners):
    good = _order(partners.user_id, ("FX-1001", 1), po="PO-good")
    bad = _order(partners.admin_id, ("FX-1003", 2), po="PO-bad")
    job_execute(code="P-0001")
    staged = ChannelRequest.objects.using("commerce").get(payload__number=bad.number)
    staged.payload = {**staged.payload, "total": "not a number"}
    staged.save(update_fields=["payload"])

    run = job_execute(code="sync-channel-requests")

    assert (run.rows, run.errors) == (2, 1)
    assert list(
        SalesOrder.objects.using("commerce").values_list("channel_order_number", flat=True)
    ) == [good.number]
    staged.refresh_from_db()
    assert staged.state == ChannelRequest.State.FAILED and staged.error
    assert [email.context["order_number"] for email in _emails("order_placed")] == [good.number]
