"""Products: what partners can order; job 1040 releases them to the site (SPEC §13)."""

from django.db import transaction
from django.utils.translation import gettext as _

from commerce.jobs.registry import PRODUCTS, job_kick_on_commit
from commerce.models import Product
from core.errors import ServiceError

from .audit import audit_entries_create
from .common import DB

PRODUCT_FIELDS = (
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


def product_number_clean(value: str) -> str:
    """Product numbers are kept in capitals, so a quick order finds "fx-1001" as FX-1001."""
    return "".join(str(value or "").split()).upper()


def product_save(*, product_number: str, values: dict, actor: str) -> Product:
    """Create or change a product; the site's copy follows by job 1040 after the commit."""
    unknown = set(values) - set(PRODUCT_FIELDS)
    if unknown:
        raise ServiceError(
            _("Unknown product fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_fields",
        )
    number = product_number_clean(product_number)
    with transaction.atomic(using=DB):
        product = (
            Product.objects.using(DB).select_for_update().filter(product_number=number).first()
        )
        created = product is None
        product = product or Product(product_number=number)
        before = {name: getattr(product, name) for name in values}
        for name, value in values.items():
            setattr(product, name, value)
        product.currency = str(product.currency).upper()
        product.full_clean(validate_unique=created)
        product.save(using=DB)
        audit_entries_create(
            actor=actor,
            record=product,
            object_key=number,
            changes={name: (None if created else before[name], values[name]) for name in values},
        )
        job_kick_on_commit(code=PRODUCTS.code, using=DB)
    return product
