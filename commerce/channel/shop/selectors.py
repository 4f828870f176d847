"""Reads of the shop: catalog, cart, orders and what the organization's credit still holds."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from ..models import CartLine, ChannelCustomer, ChannelHierarchyMember, ChannelProduct, Order

DB = "channel"
ZERO = Decimal("0.00")


def products_active() -> QuerySet[ChannelProduct]:
    return ChannelProduct.objects.using(DB).filter(active=True)


def products_search(*, query: str = "") -> QuerySet[ChannelProduct]:
    """Active products whose number or name (in any language) contains every word of `query`."""
    products = products_active()
    for word in query.split()[:8]:
        products = products.filter(
            Q(product_number__icontains=word)
            | Q(name_en__icontains=word)
            | Q(name_pl__icontains=word)
            | Q(name_cs__icontains=word)
        )
    return products.order_by("product_number")


def product_active(*, product_number: str) -> ChannelProduct | None:
    return products_active().filter(product_number=product_number).first()


@dataclass(frozen=True)
class CartRow:
    product: ChannelProduct
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return self.product.price * self.quantity


@dataclass(frozen=True)
class Cart:
    rows: list[CartRow]
    # Lines whose product HQ has withdrawn since they were added: they cannot be ordered.
    unavailable: list[str]

    @property
    def total(self) -> Decimal:
        return sum((row.line_total for row in self.rows), ZERO)

    @property
    def currencies(self) -> set[str]:
        return {row.product.currency for row in self.rows}

    @property
    def currency(self) -> str:
        return next(iter(sorted(self.currencies)), "")

    @property
    def count(self) -> int:
        return sum(row.quantity for row in self.rows)


def cart_for_user(*, user_id: int) -> Cart:
    lines = list(CartLine.objects.using(DB).filter(user_id=user_id))
    products = {
        product.product_number: product
        for product in products_active().filter(
            product_number__in=[line.product_number for line in lines]
        )
    }
    rows, unavailable = [], []
    for line in lines:
        product = products.get(line.product_number)
        if product is None:
            unavailable.append(line.product_number)
        else:
            rows.append(CartRow(product=product, quantity=line.quantity))
    return Cart(rows=rows, unavailable=unavailable)


def cart_count(*, user_id: int) -> int:
    return CartLine.objects.using(DB).filter(user_id=user_id).aggregate(n=Sum("quantity"))["n"] or 0


def open_orders_value(*, organization: str) -> Decimal:
    return (
        Order.objects.using(DB)
        .filter(organization=organization, status__in=Order.OPEN_STATUSES)
        .aggregate(total=Sum("total"))["total"]
        or ZERO
    )


@dataclass(frozen=True)
class Credit:
    """What the organization may still order on account; `available` None: no credit limit."""

    limit: Decimal | None
    balance: Decimal
    open_orders: Decimal
    currency: str
    blocked: bool

    @property
    def available(self) -> Decimal | None:
        if self.limit is None:
            return None
        return self.limit - self.balance - self.open_orders


def organization_credit(*, organization: ChannelCustomer) -> Credit:
    """Credit limit minus HQ's open (invoiced) balance minus the open orders on the site.

    Only a "balance" credit limit type is checked, as in HQ; "none" means no limit.
    """
    checked = organization.credit_limit_type == ChannelCustomer.CreditLimitType.BALANCE
    return Credit(
        limit=organization.credit_limit if checked else None,
        balance=organization.balance if checked else ZERO,
        open_orders=open_orders_value(organization=organization.account_number),
        currency=organization.currency,
        blocked=organization.blocked,
    )


def month_start(now: datetime | None = None) -> datetime:
    """The first instant of the current calendar month, in the site's time zone."""
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_spent(*, user_id: int, now: datetime | None = None) -> Decimal:
    """What a user's orders of this calendar month come to (declined and cancelled ones aside)."""
    return (
        Order.objects.using(DB)
        .filter(
            buyer_user_id=user_id,
            status__in=Order.SPENT_STATUSES,
            created_at__gte=month_start(now),
        )
        .aggregate(total=Sum("total"))["total"]
        or ZERO
    )


def orders_visible(
    *, member: ChannelHierarchyMember, user_id: int, status: str = "", query: str = ""
) -> QuerySet[Order]:
    """An admin sees the organization's orders, a user their own; never another organization's."""
    orders = Order.objects.using(DB).filter(hierarchy_id=member.hierarchy_id)
    if not member.is_admin:
        orders = orders.filter(buyer_user_id=user_id)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    if query:
        orders = orders.filter(
            Q(number__icontains=query)
            | Q(purchase_order__icontains=query)
            | Q(buyer_name__icontains=query)
        )
    return orders


def order_visible(*, member: ChannelHierarchyMember, user_id: int, number: str) -> Order | None:
    return (
        orders_visible(member=member, user_id=user_id)
        .prefetch_related("lines")
        .filter(number=number)
        .first()
    )


def orders_awaiting_approval(*, member: ChannelHierarchyMember) -> QuerySet[Order]:
    """The organization's orders an admin may decide on (none for a user)."""
    if not member.is_admin:
        return Order.objects.none()
    return Order.objects.using(DB).filter(
        hierarchy_id=member.hierarchy_id, status=Order.Status.AWAITING_APPROVAL
    )
