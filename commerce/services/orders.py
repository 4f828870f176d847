"""Sales orders: the site's orders taken on by HQ, confirmed or cancelled there (SPEC §13).

The sync job hands over the site's order events (placed, awaiting approval, declined) as the
payloads P-0001 staged; each is complete, so none waits on another.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.channel.models import MembershipTerms
from commerce.emails import (
    EmailSpec,
    order_approval_requested_email,
    order_decided_in_hq_email,
    order_declined_email,
    order_placed_email,
)
from commerce.models import Customer, HierarchyMember, SalesOrder, SalesOrderLine
from core.errors import NotAllowed, NotFound, ServiceError, reason_required

from .common import DB, channel_copy_on_commit, number_sequence_take
from .notifications import email_notifications_queue

PLACED, AWAITING_APPROVAL, DECLINED = "placed", "awaiting_approval", "declined"


def _sales_order(payload: dict, number: str) -> SalesOrder:
    return SalesOrder(
        number=number,
        channel_order_id=payload["order_id"],
        channel_order_number=payload["number"],
        customer=payload["organization"],
        hierarchy_id=payload["hierarchy_id"],
        buyer=payload["buyer"],
        ordered_by=payload["buyer_name"],
        buyer_email=payload["buyer_email"],
        buyer_language=payload["buyer_language"],
        purchase_order=payload["purchase_order"],
        total=Decimal(payload["total"]),
        currency=payload["currency"],
        delivery_name=payload["delivery_name"],
        delivery_street=payload["delivery_street"],
        delivery_postal_code=payload["delivery_postal_code"],
        delivery_city=payload["delivery_city"],
        delivery_country=payload["delivery_country"],
        ordered_at=datetime.fromisoformat(payload["ordered_at"]),
    )


def _customers(account_numbers: set[str]) -> dict[str, Customer]:
    return {
        customer.account_number: customer
        for customer in Customer.objects.using(DB).filter(account_number__in=account_numbers)
    }


def _parties(payloads: list[dict]) -> dict[str, Customer]:
    """The buyers and organizations of these orders, by account number."""
    return _customers({p["buyer"] for p in payloads} | {p["organization"] for p in payloads})


def _buyer_emails(payloads: list[dict], build) -> list[EmailSpec]:
    """One email to each order's buyer, greeted by name, naming the organization."""
    parties = _parties(payloads)
    return [
        build(
            order=payload,
            buyer=parties[payload["buyer"]],
            company_name=parties[payload["organization"]].name,
        )
        for payload in payloads
        if payload["buyer"] in parties and payload["organization"] in parties
    ]


def _sales_orders_create(payloads: list[dict]) -> list[EmailSpec]:
    """One sales order per placed site order, however often it is handed over."""
    taken = {
        str(order_id)
        for order_id in SalesOrder.objects.using(DB)
        .filter(channel_order_id__in=[payload["order_id"] for payload in payloads])
        .values_list("channel_order_id", flat=True)
    }
    new = list({p["order_id"]: p for p in payloads if p["order_id"] not in taken}.values())
    if not new:
        return []
    numbers = number_sequence_take(code="sales_order", count=len(new))
    orders = SalesOrder.objects.using(DB).bulk_create(
        [_sales_order(payload, number) for payload, number in zip(new, numbers, strict=True)]
    )
    if orders[0].pk is None:  # backends that do not return ids from a bulk insert
        orders = list(SalesOrder.objects.using(DB).filter(number__in=numbers).order_by("number"))
    SalesOrderLine.objects.using(DB).bulk_create(
        SalesOrderLine(sales_order=order, **SalesOrderLine.terms_from_payload(line))
        for order, payload in zip(orders, new, strict=True)
        for line in payload["lines"]
    )
    # The site learns the sales order's number from job 1010.
    channel_copy_on_commit()
    return _buyer_emails(new, order_placed_email)


def _approval_requests(payloads: list[dict]) -> list[EmailSpec]:
    """Each admin of the ordering organization is asked to approve or decline."""
    admins = (
        HierarchyMember.objects.using(DB)
        .select_related("customer", "hierarchy")
        .filter(
            hierarchy__hierarchy_id__in={payload["hierarchy_id"] for payload in payloads},
            role=MembershipTerms.Role.ADMIN,
            status=MembershipTerms.Status.ACTIVE,
        )
    )
    by_hierarchy: dict[str, list[HierarchyMember]] = {}
    for admin in admins:
        by_hierarchy.setdefault(admin.hierarchy.hierarchy_id, []).append(admin)
    organizations = _customers({payload["organization"] for payload in payloads})
    return [
        order_approval_requested_email(
            order=payload,
            admin=admin.customer,
            company_name=organizations[payload["organization"]].name,
        )
        for payload in payloads
        if payload["organization"] in organizations
        for admin in by_hierarchy.get(payload["hierarchy_id"], [])
        if admin.customer.email
    ]


def channel_orders_take(*, payloads: list[dict]) -> None:
    """Take on the site's order events in the caller's transaction: a placed order becomes a
    sales order and its buyer is emailed; an order awaiting approval is sent to the
    organization's admins; a declined one to its buyer."""
    by_status: dict[str, list[dict]] = {}
    for payload in payloads:
        by_status.setdefault(payload["status"], []).append(payload)
    unknown = set(by_status) - {PLACED, AWAITING_APPROVAL, DECLINED}
    if unknown:
        raise ServiceError(f"Unknown order status: {', '.join(sorted(unknown))}")
    emails = _sales_orders_create(by_status.get(PLACED, []))
    emails += _approval_requests(by_status.get(AWAITING_APPROVAL, []))
    emails += _buyer_emails(by_status.get(DECLINED, []), order_declined_email)
    email_notifications_queue(specs=emails)


def _order_email_payload(order: SalesOrder) -> dict:
    return {
        "order_id": str(order.channel_order_id),
        "number": order.channel_order_number,
        "sales_order": order.number,
        "purchase_order": order.purchase_order,
        "total": str(order.total),
        "currency": order.currency,
        "buyer_name": order.ordered_by,
        "buyer_email": order.buyer_email,
        "buyer_language": order.buyer_language,
        "lines": [
            {
                "product_number": line.product_number,
                "product_name": line.product_name,
                "quantity": line.quantity,
                "line_total": str(line.line_total),
            }
            for line in order.lines.all()
        ],
    }


def _open_order(number: str) -> SalesOrder:
    order = SalesOrder.objects.using(DB).select_for_update().filter(number=number).first()
    if order is None:
        raise NotFound(
            _("There is no sales order %(number)s.") % {"number": number}, code="not_found"
        )
    if order.status != SalesOrder.Status.OPEN:
        raise NotAllowed(
            _("Sales order %(number)s is already %(status)s.")
            % {"number": number, "status": order.get_status_display().lower()},
            code="not_open",
        )
    return order


def _decided(order: SalesOrder, reason: str) -> None:
    order.decided_at = timezone.now()
    order.save(using=DB)
    parties = _customers({order.buyer, order.customer})
    if order.buyer in parties and order.customer in parties:
        email_notifications_queue(
            specs=[
                order_decided_in_hq_email(
                    order=_order_email_payload(order),
                    buyer=parties[order.buyer],
                    company_name=parties[order.customer].name,
                    confirmed=order.status == SalesOrder.Status.CONFIRMED,
                    reason=reason,
                )
            ]
        )
    channel_copy_on_commit()


def sales_order_confirm(*, number: str, actor: str) -> SalesOrder:
    """The back office accepts the order; the site shows it confirmed and the buyer is emailed."""
    with transaction.atomic(using=DB):
        order = _open_order(number)
        order.confirm(by=actor)
        _decided(order, "")
    return order


def sales_order_cancel(*, number: str, reason: str, actor: str) -> SalesOrder:
    """The back office cancels the order with a reason the buyer reads; its credit is freed."""
    reason = reason_required(
        reason, missing=_("Say why the order is cancelled; the buyer reads it.")
    )
    with transaction.atomic(using=DB):
        order = _open_order(number)
        order.cancel(by=actor, reason=reason)
        _decided(order, reason)
    return order
