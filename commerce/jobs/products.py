"""1040 Products: release HQ's products and prices to the site's catalog (SPEC §13).

Like 1010: batch by batch, upserted by product number, only rows that differ are written, so a
second run writes nothing. A product made inactive in HQ stays on the site, inactive, so carts
and order history still name it.
"""

from django.db import transaction

from commerce.channel.models import ChannelProduct
from commerce.models import JobRun, Product

from .download import copies_write
from .runner import run_alive

DB = "commerce"
CHANNEL_DB = "channel"
COPIED_FIELDS = (
    "name_en",
    "name_pl",
    "name_cs",
    "description_en",
    "description_pl",
    "description_cs",
    "unit",
    "price",
    "currency",
    "active",
)


def products_download(run: JobRun, batch_size: int) -> tuple[int, int]:
    written = last_id = 0
    while True:
        run_alive(run)
        batch = list(Product.objects.using(DB).filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            return written, 0
        last_id = batch[-1].pk
        copies = {
            (product.product_number,): {name: getattr(product, name) for name in COPIED_FIELDS}
            for product in batch
        }
        with transaction.atomic(using=CHANNEL_DB):
            written += len(copies_write(ChannelProduct, ("product_number",), copies))
