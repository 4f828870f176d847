"""The shop's actions: cart, quick order, checkout on account, and the admins' approvals.

Checkout checks the organization's credit and reserves it in one transaction that holds a
lock on the organization's row (SPEC §13): two users checking out at once are served one
after the other, so together they cannot pass the limit.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound, ServiceError, reason_required
from core.formatting import money
from core.sequences import number_sequence_take
from core.validators import validate_single_line

from ..hq import requests_upload_on_commit
from ..models import (
    CartLine,
    ChannelCustomer,
    ChannelHierarchyMember,
    ChannelProduct,
    NumberSequence,
    Order,
    OrderLine,
    PartnerUser,
    TransitionLog,
)
from ..selectors import partner_membership
from .quick_order import MAX_QUANTITY, LineError, quick_order_parse
from .selectors import (
    cart_for_user,
    month_spent,
    organization_credit,
    products_active,
)

DB = "channel"
PURCHASE_ORDER_MAX = 35


def _member(user_id: int) -> ChannelHierarchyMember:
    member = partner_membership(user_id=user_id)
    if member is None or not member.has_access:
        raise NotAllowed(_("Your access to the B2B site is not active."), code="no_access")
    return member


def _cart_locked(user_id: int) -> None:
    """Inside a transaction: one change of a user's cart at a time (two tabs adding the same
    new product, a double-clicked checkout), by a lock on the user's partner row."""
    list(PartnerUser.objects.using(DB).select_for_update().filter(user_id=user_id).values("pk"))


def _quantity_checked(quantity: object) -> int:
    try:
        value = int(str(quantity))
    except (TypeError, ValueError):
        value = 0
    if not 0 <= value <= MAX_QUANTITY:
        raise ServiceError(
            _("The quantity must be a whole number from 1 to %(max)s.") % {"max": MAX_QUANTITY},
            code="invalid_quantity",
        )
    return value


def cart_line_set(
    *, user_id: int, product_number: str, quantity: object, add: bool = False
) -> None:
    """Put `quantity` of a product in the user's cart (added to what is there if `add`);
    0 takes it out."""
    _member(user_id)
    amount = _quantity_checked(quantity)
    with transaction.atomic(using=DB):
        _cart_locked(user_id)
        if amount == 0 and not add:
            CartLine.objects.using(DB).filter(
                user_id=user_id, product_number=product_number
            ).delete()
            return
        if not products_active().filter(product_number=product_number).exists():
            raise NotFound(_("This product is not available."), code="unknown_product")
        line = (
            CartLine.objects.using(DB)
            .select_for_update()
            .filter(user_id=user_id, product_number=product_number)
            .first()
        )
        if line is None:
            if amount:
                CartLine.objects.using(DB).create(
                    user_id=user_id, product_number=product_number, quantity=amount
                )
            return
        line.quantity = _quantity_checked(line.quantity + amount if add else amount)
        if line.quantity == 0:
            line.delete(using=DB)
        else:
            line.save(using=DB, update_fields=["quantity"])


def cart_clear(*, user_id: int) -> None:
    CartLine.objects.using(DB).filter(user_id=user_id).delete()


@dataclass
class QuickOrderResult:
    added: dict[str, int] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)


def _lines_add(user_id: int, quantities: dict[str, int]) -> None:
    """Add quantities to the cart; the sum stays within the most one line may hold."""
    with transaction.atomic(using=DB):
        _cart_locked(user_id)
        existing = {
            line.product_number: line
            for line in CartLine.objects.using(DB)
            .select_for_update()
            .filter(user_id=user_id, product_number__in=list(quantities))
        }
        new = []
        for number, quantity in quantities.items():
            line = existing.get(number)
            if line is None:
                new.append(CartLine(user_id=user_id, product_number=number, quantity=quantity))
            else:
                line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
        CartLine.objects.using(DB).bulk_update(existing.values(), ["quantity"])
        CartLine.objects.using(DB).bulk_create(new)


def quick_order_add(*, user_id: int, text: str) -> QuickOrderResult:
    """Add the good lines of a quick order to the cart; say what is wrong with each other one."""
    _member(user_id)
    parsed = quick_order_parse(text)
    result = QuickOrderResult(errors=list(parsed.errors))
    known = {
        number.upper(): (number, active)
        for number, active in ChannelProduct.objects.using(DB)
        .filter(product_number__in=list(parsed.quantities))
        .values_list("product_number", "active")
    }
    for number, quantity in parsed.quantities.items():
        index, text_line = parsed.lines[number]
        found = known.get(number)
        if found is None:
            message = _("There is no product %(number)s.") % {"number": number}
        elif not found[1]:
            message = _("Product %(number)s can no longer be ordered.") % {"number": number}
        else:
            result.added[found[0]] = quantity
            continue
        result.errors.append(LineError(index, text_line, message))
    result.errors.sort(key=lambda error: error.line)
    if result.added:
        _lines_add(user_id, result.added)
    return result


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


def order_checkout(*, user_id: int, purchase_order: str, actor: str) -> Order:
    """Turn the user's cart into an order on account, delivered to the organization's address.

    Refused (nothing changes) above the available credit or for a blocked customer; above the
    user's spending limit the order waits for an admin, its credit reserved meanwhile.
    """
    member = _member(user_id)
    purchase_order = " ".join(str(purchase_order or "").split())
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
    person = member.customer
    with transaction.atomic(using=DB):
        # A second checkout of the same cart (a double click) waits here, then finds it empty,
        # rather than ordering it twice.
        _cart_locked(user_id)
        cart = cart_for_user(user_id=user_id)
        if not cart.rows:
            raise ServiceError(_("Your cart is empty."), code="cart_empty")
        if cart.unavailable:
            raise ServiceError(
                _(
                    "These products can no longer be ordered; remove them from your cart: "
                    "%(numbers)s."
                )
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
        cart_clear(user_id=user_id)
        # P-0001 carries a placed order to HQ, or tells HQ to ask the admins for approval.
        requests_upload_on_commit(using=DB)
    return order


def _order_to_decide(member: ChannelHierarchyMember, number: str) -> Order:
    if not member.is_admin:
        raise NotAllowed(
            _("Only an admin of your organization can approve or decline orders."), code="not_admin"
        )
    order = (
        Order.objects.using(DB)
        .select_for_update()
        .filter(hierarchy_id=member.hierarchy_id, number=number)
        .first()
    )
    if order is None:
        raise NotFound(_("There is no such order."), code="not_found")
    if order.status != Order.Status.AWAITING_APPROVAL:
        raise NotAllowed(
            _("Order %(number)s is no longer awaiting approval (it is %(status)s).")
            % {"number": order.number, "status": order.get_status_display().lower()},
            code="not_awaiting_approval",
        )
    return order


def _other_admins(member: ChannelHierarchyMember) -> bool:
    return (
        ChannelHierarchyMember.objects.using(DB)
        .filter(
            hierarchy__hierarchy_id=member.hierarchy_id,
            role=ChannelHierarchyMember.Role.ADMIN,
            status=ChannelHierarchyMember.Status.ACTIVE,
            access_revoked_at__isnull=True,
        )
        .exclude(pk=member.pk)
        .exists()
    )


def order_approve(*, user_id: int, number: str, actor: str) -> Order:
    """An admin lets an order above a spending limit go on; its credit is already reserved.

    An admin may not approve their own order while the organization has another admin.
    """
    member = _member(user_id)
    with transaction.atomic(using=DB):
        order = _order_to_decide(member, number)
        if order.buyer_user_id == user_id and _other_admins(member):
            raise NotAllowed(
                _("Another admin of your organization must approve your own order."),
                code="own_order",
            )
        order.approve(by=actor, reason=_("Approved by %(name)s") % {"name": member.customer.name})
        order.decided_at = timezone.now()
        order.save(using=DB)
        requests_upload_on_commit(using=DB)
    return order


def order_decline(*, user_id: int, number: str, reason: str, actor: str) -> Order:
    """An admin declines an order awaiting approval; the buyer is told why, the credit freed."""
    member = _member(user_id)
    reason = reason_required(
        reason, missing=_("Say why the order is declined; the buyer reads it.")
    )
    with transaction.atomic(using=DB):
        order = _order_to_decide(member, number)
        order.decline(by=actor, reason=reason)
        order.decided_at = timezone.now()
        order.save(using=DB)
        requests_upload_on_commit(using=DB)
    return order


def order_reorder(*, user_id: int, order: Order) -> list[str]:
    """Put an order's lines back in the cart; returns the products that can no longer be ordered."""
    _member(user_id)
    lines = list(order.lines.all())
    active = set(
        products_active()
        .filter(product_number__in=[line.product_number for line in lines])
        .values_list("product_number", flat=True)
    )
    _lines_add(
        user_id,
        {line.product_number: line.quantity for line in lines if line.product_number in active},
    )
    return [line.product_number for line in lines if line.product_number not in active]
