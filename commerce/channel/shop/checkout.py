"""Checkout on account (SPEC §13): credit, spending limits, and the order it makes.

The credit check and the reservation are one transaction that holds a lock on the
organization's row: two users checking out at once are served one after the other, so together
they cannot pass the limit.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import NotAllowed, ServiceError
from core.formatting import money
from core.sequences import number_sequence_take
from core.validators import validate_single_line

from ..hq import requests_upload_on_commit
from ..models import (
    CartLine,
    ChannelCustomer,
    ChannelHierarchyMember,
    NumberSequence,
    Order,
    OrderLine,
    TransitionLog,
)
from .access import cart_locked, member_active
from .selectors import Cart, cart_for_user, month_spent, organization_credit

DB = "channel"
# The model's column decides it; the forms and the API say the same.
PURCHASE_ORDER_MAX: int = Order._meta.get_field("purchase_order").max_length or 35


def _log(order: Order, *, source: str, by: str, reason: str) -> None:
    TransitionLog.objects.using(DB).create(
        model=Order._meta.label_lower,
        object_key=order.number,
        transition="check_out",
        source_state=source,
        target_state=order.status,
        actor=by,
        reason=reason,
    )


def _approval_reason(member: ChannelHierarchyMember, user_id: int, total: Decimal, currency: str):
    """Why this order needs an admin's approval, or "" when the user's limits allow it."""
    per_order = member.spending_limit
    if per_order is not None and total > per_order:
        return _("Above the spending limit per order (%(limit)s).") % {
            "limit": money(per_order, currency)
        }
    monthly = member.monthly_spending_limit
    if monthly is not None:
        spent = month_spent(user_id=user_id)
        if spent + total > monthly:
            return _(
                "Above the monthly spending limit (%(limit)s; %(spent)s spent this month)."
            ) % {
                "limit": money(monthly, currency),
                "spent": money(spent, currency),
            }
    return ""


def _credit_check(organization: ChannelCustomer, total: Decimal, currency: str) -> None:
    credit = organization_credit(organization=organization)
    if credit.blocked:
        raise NotAllowed(
            _(
                "Your organization's account is on hold, so no order can be placed. "
                "Please contact us."
            ),
            code="customer_blocked",
        )
    available = credit.available
    if available is None:
        return
    if currency != credit.currency:
        raise ServiceError(
            _("This order is in %(currency)s, but your organization's credit is in %(credit)s.")
            % {"currency": currency, "credit": credit.currency},
            code="currency_mismatch",
        )
    if total > available:
        raise ServiceError(
            _(
                "The order (%(total)s) is above your organization's available credit "
                "(%(available)s)."
            )
            % {
                "total": money(total, currency),
                "available": money(max(available, Decimal(0)), currency),
            },
            code="credit_exceeded",
            details={"total": str(total), "available": str(available), "currency": currency},
        )


def purchase_order_checked(value: object) -> str:
    """The buyer's purchase-order reference: one line, spaces folded, at most 35 characters."""
    purchase_order = " ".join(str(value or "").split())
    if not purchase_order:
        raise ServiceError(
            _("Enter your purchase-order reference."),
            code="required",
            details={"purchase_order": [_("This field is required.")]},
        )
    if len(purchase_order) > PURCHASE_ORDER_MAX:
        raise ServiceError(
            _("The purchase-order reference has at most %(max)s characters.")
            % {"max": PURCHASE_ORDER_MAX},
            code="max_length",
            details={"purchase_order": [_("Too long.")]},
        )
    try:
        validate_single_line(purchase_order)
    except ValidationError as exc:
        raise ServiceError(
            exc.messages[0], code="invalid", details={"purchase_order": exc.messages}
        ) from exc
    return purchase_order


def order_create(
    *, member: ChannelHierarchyMember, user_id: int, cart: Cart, purchase_order: str, actor: str
) -> Order:
    """Order `cart`'s rows on account, inside the caller's transaction: the credit check and
    the reservation hold the organization's row locked until that transaction ends.

    Refused (nothing changes) above the available credit or for a blocked customer; above the
    user's spending limit the order waits for an admin, its credit reserved meanwhile.
    """
    person = member.customer
    if not cart.rows:
        raise ServiceError(_("Your cart is empty."), code="cart_empty")
    if cart.unavailable:
        raise ServiceError(
            _("These products can no longer be ordered; remove them from your cart: %(numbers)s.")
            % {"numbers": ", ".join(cart.unavailable)},
            code="product_unavailable",
        )
    if len(cart.currencies) > 1:
        raise ServiceError(
            _(
                "The products in your cart are priced in different currencies; "
                "order them separately."
            ),
            code="currency_mismatch",
        )
    currency, total = cart.currency, cart.total
    # The lock that serializes checkouts of one organization: check and reservation are one.
    organization = (
        ChannelCustomer.objects.using(DB)
        .select_for_update()
        .get(account_number=member.hierarchy.organization_id)
    )
    _credit_check(organization, total, currency)
    reason = _approval_reason(member, user_id, total, currency)
    status = Order.Status.AWAITING_APPROVAL if reason else Order.Status.PLACED
    (number,) = number_sequence_take(model=NumberSequence, using=DB, code="order")
    order = Order.objects.using(DB).create(
        number=number,
        hierarchy_id=member.hierarchy_id,
        organization=organization.account_number,
        buyer=person.account_number,
        buyer_user_id=user_id,
        buyer_name=person.name,
        buyer_email=person.email,
        buyer_language=person.language,
        purchase_order=purchase_order,
        status=status,
        total=total,
        currency=currency,
        approval_reason=reason,
        delivery_name=organization.name,
        delivery_street=organization.street,
        delivery_postal_code=organization.postal_code,
        delivery_city=organization.city,
        delivery_country=organization.country,
    )
    OrderLine.objects.using(DB).bulk_create(
        OrderLine(
            order=order,
            line_number=index,
            product_number=row.product.product_number,
            product_name=row.product.name_in(person.language),
            unit=row.product.unit,
            quantity=row.quantity,
            unit_price=row.product.price,
            line_total=row.line_total,
        )
        for index, row in enumerate(cart.rows, start=1)
    )
    _log(order, source="", by=actor, reason=reason)
    # P-0001 carries a placed order to HQ, or tells HQ to ask the admins for approval.
    requests_upload_on_commit(using=DB)
    return order


def order_checkout(*, user_id: int, purchase_order: str, actor: str) -> Order:
    """Turn the user's cart into an order on account, delivered to the organization's address."""
    member = member_active(user_id)
    purchase_order = purchase_order_checked(purchase_order)
    with transaction.atomic(using=DB):
        # A second checkout of the same cart (a double click) waits here, then finds it empty,
        # rather than ordering it twice.
        cart_locked(user_id)
        cart = cart_for_user(user_id=user_id)
        order = order_create(
            member=member, user_id=user_id, cart=cart, purchase_order=purchase_order, actor=actor
        )
        CartLine.objects.using(DB).filter(user_id=user_id).delete()
    return order
