"""HQ sales orders made the way they are made: partners order on the site, P-0001 and the sync
job bring the orders to HQ."""

from dataclasses import dataclass

from commerce.channel.shop.api_orders import order_place
from commerce.jobs import job_execute
from commerce.models import SalesOrder
from tests.channel.shop.support import Shop, products, shop


@dataclass(frozen=True)
class SalesOrders:
    partners: Shop
    orders: list[SalesOrder]


def sales_orders(*purchase_orders: str) -> SalesOrders:
    """One sales order per purchase order: 3 x FX-1001 (100.00 PLN) and 4 x FX-1003 (12.50),
    ordered by the organization's user (Jan Kowalski), oldest first."""
    products(FX_1001="100.00", FX_1003="12.50")
    partners = shop()
    numbers = [
        order_place(
            user_id=partners.user_id,
            purchase_order=purchase_order,
            lines=[("FX-1001", 3), ("FX-1003", 4)],
            actor="jan",
        ).number
        for purchase_order in purchase_orders
    ]
    job_execute(code="P-0001")
    job_execute(code="sync-channel-requests")
    orders = [
        SalesOrder.objects.using("commerce").get(channel_order_number=number) for number in numbers
    ]
    return SalesOrders(partners, orders)
