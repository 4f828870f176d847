"""`manage.py demo_catalog`: 50 fasteners and tools in HQ, named in English, Polish and Czech.

Safe to run again: a product already as listed is left alone (no save, no audit entry). Job
1040 then copies the catalog to the site at once, so `make run` shows products before the
worker has taken the kick.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand

from commerce.jobs import job_execute
from commerce.models import Product
from commerce.services import product_save
from commerce.services.products import PRODUCT_FIELDS

CATALOG = Path(__file__).with_name("demo_catalog.json")
ACTOR = "demo_catalog"


def demo_products() -> list[dict]:
    """The listed products: product_number and every field of PRODUCT_FIELDS but currency and
    active (PLN, active)."""
    products = json.loads(CATALOG.read_text(encoding="utf-8"))
    return [
        {**product, "price": Decimal(product["price"]), "currency": "PLN", "active": True}
        for product in products
    ]


def _values(product: dict) -> dict:
    return {name: product[name] for name in PRODUCT_FIELDS}


class Command(BaseCommand):
    help = (
        "Fill HQ with a demo catalog of 50 fasteners and tools (names in en, pl, cs; prices in "
        "PLN) and copy it to the site with job 1040; safe to run again."
    )

    def handle(self, *args, **options) -> None:
        products = demo_products()
        existing = {
            product.product_number: product
            for product in Product.objects.using("commerce").filter(
                product_number__in=[product["product_number"] for product in products]
            )
        }
        saved = 0
        for product in products:
            values = _values(product)
            current = existing.get(product["product_number"])
            if current is not None and all(
                getattr(current, name) == value for name, value in values.items()
            ):
                continue
            product_save(product_number=product["product_number"], values=values, actor=ACTOR)
            saved += 1
        run = job_execute(code="1040")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog: {saved} of {len(products)} products created or changed; "
                f"job 1040 wrote {run.rows} rows to the site."
            )
        )
