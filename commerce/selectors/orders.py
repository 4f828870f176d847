"""Reads of HQ's products and sales orders (SPEC §13)."""

from django.db.models import Q, QuerySet

from ..models import Product, SalesOrder

DB = "commerce"


def product_list(*, search: str = "", active: bool | None = None) -> QuerySet[Product]:
    """Products by number; `search` matches the number or a name in any language."""
    products = Product.objects.using(DB).all()
    if active is not None:
        products = products.filter(active=active)
    for word in search.split()[:8]:
        products = products.filter(
            Q(product_number__icontains=word)
            | Q(name_en__icontains=word)
            | Q(name_pl__icontains=word)
            | Q(name_cs__icontains=word)
        )
    return products.order_by("product_number")


def sales_order_list(
    *, status: str = "", customer: str = "", search: str = ""
) -> QuerySet[SalesOrder]:
    """Sales orders, newest first; `search` matches the numbers, the purchase order or the buyer."""
    orders = SalesOrder.objects.using(DB).all()
    if status:
        orders = orders.filter(status=status)
    if customer:
        orders = orders.filter(customer=customer)
    if search:
        orders = orders.filter(
            Q(number__iexact=search)
            | Q(channel_order_number__iexact=search)
            | Q(purchase_order__icontains=search)
            | Q(ordered_by__icontains=search)
        )
    return orders
