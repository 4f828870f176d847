"""The HQ side of the shop in the authorization matrix's world (SPEC §13): a product kept in
HQ and released to the site by job 1040, and an order organization A's admin placed, which HQ
took on as a sales order."""

from decimal import Decimal

from commerce.channel.shop.api_orders import order_place
from commerce.jobs import job_execute
from commerce.models import SalesOrder
from commerce.services import product_save


def hq_shop_world(admin_user_id: int) -> dict[str, str]:
    """World values: "hq_product", "placed_order" (A's admin's), "sales_order" and its pk."""
    product = product_save(
        product_number="FX-2001",
        values={"name_en": "Hex nut M8", "name_pl": "Nakrętka M8", "price": Decimal("0.80")},
        actor="backoffice",
    )
    job_execute(code="1040")
    order = order_place(
        user_id=admin_user_id,
        purchase_order="PO-Łódź-1",
        lines=[(product.product_number, 50)],
        actor="zofia",
    )
    for code in ("P-0001", "sync-channel-requests"):
        job_execute(code=code)
    sales_order = SalesOrder.objects.using("commerce").get(channel_order_number=order.number)
    return {
        "hq_product": product.product_number,
        "placed_order": order.number,
        "sales_order": sales_order.number,
        "sales_order_pk": str(sales_order.pk),
    }
