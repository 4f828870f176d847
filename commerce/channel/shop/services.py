"""The shop's actions: cart, quick order, the admins' approvals and reorder (checkout on
account is in checkout.py)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound, ServiceError, reason_required

from ..hq import requests_upload_on_commit
from ..models import (
    CartLine,
    ChannelHierarchyMember,
    ChannelProduct,
    Order,
)
from .access import cart_locked, member_active
from .quick_order import MAX_QUANTITY, LineError, quantity_range_error, quick_order_parse
from .selectors import (
    products_active,
)

DB = "channel"


def _quantity_checked(quantity: object) -> int:
    """A whole quantity from 0 (take the product out) to MAX_QUANTITY."""
    try:
        value = int(str(quantity))
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_QUANTITY:
        raise ServiceError(quantity_range_error(), code="invalid_quantity")
    return value


def cart_line_set(
    *, user_id: int, product_number: str, quantity: object, add: bool = False
) -> None:
    """Put `quantity` of a product in the user's cart (added to what is there if `add`);
    0 takes it out."""
    member_active(user_id)
    amount = _quantity_checked(quantity)
    with transaction.atomic(using=DB):
        cart_locked(user_id)
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
        cart_locked(user_id)
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
    member_active(user_id)
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
    member = member_active(user_id)
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
    member = member_active(user_id)
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
    member_active(user_id)
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
