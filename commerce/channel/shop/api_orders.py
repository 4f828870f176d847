"""An order placed through the API in one call: its lines, checked, then ordered on account.

The API's order does not go through the user's cart on the pages: its lines become the rows
the checkout orders (credit, spending limits, approval), and the cart stays as it was.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError

from ..models import ChannelProduct, Order
from .access import member_active
from .checkout import order_create, purchase_order_checked
from .quick_order import MAX_LINES, MAX_QUANTITY, quantity_range_error
from .selectors import Cart, CartRow, products_active

DB = "channel"
PRODUCT_NUMBER_MAX = 20


def _quantity(value: object) -> int | None:
    """A whole quantity from 1 to MAX_QUANTITY (booleans and fractions are not quantities)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_QUANTITY else None


def order_lines_checked(lines: Iterable[tuple[object, object]]) -> dict[str, int]:
    """The lines as product number (upper case) → quantity, the same product's lines merged.

    Refused with an error per bad line, by the line's index ({"lines": {"0": {...}}}): unknown
    or inactive product, bad quantity, a merged quantity above the most one line may hold.
    """
    lines = list(lines)
    if not lines:
        raise ServiceError(
            _("An order needs at least one line."),
            code="required",
            details={"lines": [_("Give at least one line.")]},
        )
    if len(lines) > MAX_LINES:
        message = _("An order takes at most %(count)s lines.") % {"count": MAX_LINES}
        raise ServiceError(message, code="too_many_lines", details={"lines": [message]})
    errors: dict[str, dict[str, list[str]]] = {}
    wanted: list[tuple[int, str, int]] = []
    for index, (raw_number, raw_quantity) in enumerate(lines):
        line_errors: dict[str, list[str]] = {}
        number = "".join(str(raw_number or "").split()).upper()
        if not number or len(number) > PRODUCT_NUMBER_MAX or not number.isprintable():
            line_errors["product_number"] = [_("This is not a product number.")]
        quantity = _quantity(raw_quantity)
        if quantity is None:
            line_errors["quantity"] = [quantity_range_error()]
        if line_errors:
            errors[str(index)] = line_errors
        else:
            assert quantity is not None
            wanted.append((index, number, quantity))
    known = dict(
        ChannelProduct.objects.using(DB)
        .filter(product_number__in={number for __, number, __ in wanted})
        .values_list("product_number", "active")
    )
    quantities: dict[str, int] = {}
    for index, number, quantity in wanted:
        if number not in known:
            message = _("There is no product %(number)s.") % {"number": number}
            errors[str(index)] = {"product_number": [message]}
        elif not known[number]:
            message = _("Product %(number)s can no longer be ordered.") % {"number": number}
            errors[str(index)] = {"product_number": [message]}
        elif quantities.get(number, 0) + quantity > MAX_QUANTITY:
            errors[str(index)] = {"quantity": [quantity_range_error()]}
        else:
            quantities[number] = quantities.get(number, 0) + quantity
    if errors:
        raise ServiceError(
            _("Some lines of the order cannot be ordered; nothing was ordered."),
            code="invalid_lines",
            details={"lines": dict(sorted(errors.items(), key=lambda item: int(item[0])))},
        )
    return quantities


def order_place(
    *, user_id: int, purchase_order: str, lines: Iterable[tuple[object, object]], actor: str
) -> Order:
    """Order `lines` (product number, quantity) on account, as the cart's checkout would.

    Refusals are the checkout's (credit exceeded with the figures, blocked customer, purchase
    order) or the lines' own; nothing changes then.
    """
    member = member_active(user_id)
    purchase_order = purchase_order_checked(purchase_order)
    quantities = order_lines_checked(lines)
    with transaction.atomic(using=DB):
        products = products_active().in_bulk(list(quantities), field_name="product_number")
        cart = Cart(
            rows=[
                CartRow(product=products[number], quantity=n) for number, n in quantities.items()
            ],
            unavailable=[number for number in quantities if number not in products],
        )
        return order_create(
            member=member, user_id=user_id, cart=cart, purchase_order=purchase_order, actor=actor
        )
