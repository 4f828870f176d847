"""Orders on account through the real broker and worker (SPEC §13).

A partner user checks out → the worker runs P-0001 and the sync job (kicked on commit) → HQ has
the sales order within seconds → the back office confirms it → 1010 brings the status to the
site → the SMTP server receives the buyer's emails. An order above the user's spending limit
waits for an admin, who is emailed and approves it → HQ gets it. A declined one emails the
buyer and frees its credit.
"""

import time
from decimal import Decimal

import pytest

from commerce.channel.models import ChannelCustomer, ChannelHierarchyMember, ChannelProduct, Order
from commerce.channel.shop.checkout import order_checkout
from commerce.channel.shop.selectors import organization_credit
from commerce.channel.shop.services import (
    cart_line_set,
    order_approve,
    order_decline,
)
from commerce.models import EmailNotification, SalesOrder
from commerce.services import (
    customer_credit_limit_set,
    hierarchy_member_change,
    product_save,
    sales_order_confirm,
)
from tests.channel.shop.support import shop

from .support import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

BUYER = "jan@zolc-lodz.pl"
SECONDS = 15


def _received(smtp_server, recipient: str, kind: str):
    """The mail of type `kind` the SMTP server received for `recipient` (waits for it)."""

    def delivered():
        subjects = set(
            EmailNotification.objects.using("commerce")
            .filter(type=kind, recipient=recipient)
            .values_list("subject", flat=True)
        )
        return [m for m in smtp_server.messages_to(recipient) if m["Subject"] in subjects]

    (message,) = wait_until(delivered, timeout=SECONDS)
    return message.get_body(preferencelist=("plain",)).get_content()


def _sales_order(order: Order) -> SalesOrder | None:
    return SalesOrder.objects.using("commerce").filter(channel_order_id=order.order_id).first()


def _site_order(order: Order) -> Order:
    return Order.objects.using("channel").get(pk=order.pk)


def _checkout(user_id: int, number: str, quantity: int, po: str) -> Order:
    cart_line_set(user_id=user_id, product_number=number, quantity=quantity)
    return order_checkout(user_id=user_id, purchase_order=po, actor=f"user {user_id}")


def _credit(account_number: str):
    customer = ChannelCustomer.objects.using("channel").get(account_number=account_number)
    return organization_credit(organization=customer)


@pytest.fixture
def partners():
    """An approved organization (admin Zofia, user Jan in Polish), 10,000 PLN of credit in HQ,
    two products released by 1040; the user's limit per order is 1,000 PLN."""
    partners = shop()
    organization = partners.organization.prospect.organization_customer
    product_save(
        product_number="FX-1001",
        values={"name_en": "Wood screw 4x40", "name_pl": "Wkręt do drewna 4x40", "price": "28.90"},
        actor="backoffice",
    )
    product_save(
        product_number="FX-1047",
        values={"name_en": "Cordless drill", "name_pl": "Wiertarko-wkrętarka", "price": "500.00"},
        actor="backoffice",
    )
    customer_credit_limit_set(
        account_number=organization,
        credit_limit=Decimal("10000.00"),
        currency="PLN",
        credit_limit_type="balance",
        actor="backoffice",
    )
    hierarchy_member_change(
        hierarchy_id=partners.organization.hierarchy_id,
        account_number=ChannelHierarchyMember.objects.using("channel")
        .get(customer__email=BUYER)
        .customer_id,
        actor="backoffice",
        values={"spending_limit": Decimal("1000.00")},
    )
    # 1040 and 1010, kicked by those commits, bring them to the site.
    wait_until(lambda: ChannelProduct.objects.using("channel").count() == 2, SECONDS)
    wait_until(lambda: _credit(organization).available == Decimal("10000.00"), SECONDS)
    wait_until(
        lambda: (
            ChannelHierarchyMember.objects.using("channel")
            .filter(customer__email=BUYER, spending_limit=Decimal("1000.00"))
            .exists()
        ),
        SECONDS,
    )
    return partners


def test_an_order_reaches_hq_is_confirmed_there_and_the_buyer_is_emailed(
    celery_worker, smtp_server, partners
):
    started = time.monotonic()
    order = _checkout(partners.user_id, "FX-1001", 10, "PO Łódź/2026/1")
    assert order.status == Order.Status.PLACED

    sales_order = wait_until(lambda: _sales_order(order), SECONDS)
    assert time.monotonic() - started < 10
    assert (sales_order.total, sales_order.purchase_order) == (Decimal("289.00"), "PO Łódź/2026/1")
    assert [(line.product_number, line.quantity) for line in sales_order.lines.all()] == [
        ("FX-1001", 10)
    ]
    placed = _received(smtp_server, BUYER, EmailNotification.Type.ORDER_PLACED)
    assert order.number in placed and "289,00" in placed  # the buyer's locale (pl)
    wait_until(lambda: _site_order(order).sales_order_number == sales_order.number, SECONDS)

    sales_order_confirm(number=sales_order.number, actor="backoffice")

    wait_until(lambda: _site_order(order).status == Order.Status.CONFIRMED, SECONDS)
    confirmed = _received(smtp_server, BUYER, EmailNotification.Type.ORDER_CONFIRMED)
    assert order.number in confirmed and sales_order.number in confirmed


def test_an_order_above_the_spending_limit_waits_for_the_admin_then_reaches_hq(
    celery_worker, smtp_server, partners
):
    order = _checkout(partners.user_id, "FX-1047", 3, "PO-1500")  # 1,500 PLN > 1,000
    assert order.status == Order.Status.AWAITING_APPROVAL

    asked = _received(
        smtp_server,
        partners.organization.admin_email,
        EmailNotification.Type.ORDER_APPROVAL_REQUESTED,
    )
    assert order.number in asked and "Jan Kowalski" in asked
    assert _sales_order(order) is None

    order_approve(user_id=partners.admin_id, number=order.number, actor="zofia")

    sales_order = wait_until(lambda: _sales_order(order), SECONDS)
    assert sales_order.total == Decimal("1500.00")
    _received(smtp_server, BUYER, EmailNotification.Type.ORDER_PLACED)
    wait_until(lambda: _site_order(order).sales_order_number == sales_order.number, SECONDS)


def test_a_declined_order_emails_the_buyer_and_frees_the_credit(
    celery_worker, smtp_server, partners
):
    organization = partners.organization.prospect.organization_customer
    order = _checkout(partners.user_id, "FX-1047", 4, "PO-2000")
    assert _credit(organization).available == Decimal("8000.00")  # reserved while it waits
    _received(
        smtp_server,
        partners.organization.admin_email,
        EmailNotification.Type.ORDER_APPROVAL_REQUESTED,
    )

    order_decline(
        user_id=partners.admin_id, number=order.number, reason="Za drogo w tym kwartale", actor="z"
    )

    assert _credit(organization).available == Decimal("10000.00")
    declined = _received(smtp_server, BUYER, EmailNotification.Type.ORDER_DECLINED)
    assert order.number in declined and "Za drogo w tym kwartale" in declined
    assert _sales_order(order) is None
