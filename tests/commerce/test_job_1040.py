"""Job 1040 Products: HQ's products and prices released to the B2B site (SPEC §13), and the demo
catalog `make run` fills."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from commerce.channel.models import ChannelProduct
from commerce.jobs import job_execute, job_lookup
from commerce.models import AuditEntry, JobRun, Product
from commerce.services import product_save

pytestmark = pytest.mark.django_db(databases="__all__")

FIELDS = (
    "product_number",
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


def _save(number: str, **values) -> Product:
    return product_save(
        product_number=number,
        values={"name_en": f"Product {number}", "price": Decimal("10.00"), **values},
        actor="backoffice",
    )


def _site() -> list[tuple]:
    return list(
        ChannelProduct.objects.using("channel").order_by("product_number").values_list(*FIELDS)
    )


def _hq() -> list[tuple]:
    return list(Product.objects.using("commerce").order_by("product_number").values_list(*FIELDS))


def test_1040_is_a_registered_job():
    job = job_lookup("1040")
    assert (job.code, job.name) == ("1040", "1040 Products")


def test_1040_copies_every_product_and_a_second_run_writes_nothing():
    _save("fx-1001", name_pl="Wkręt do drewna 4 mm", name_cs="Vrut do dřeva 4 mm", unit="box")
    _save("FX-1002", price=Decimal("2500.50"), description_cs="Žluťoučký kůň", unit="kg")
    _save("FX-1003", active=False)

    first = job_execute(code="1040", batch_size=2)
    second = job_execute(code="1040", batch_size=2)

    assert _site() == _hq()
    assert [row[0] for row in _site()] == ["FX-1001", "FX-1002", "FX-1003"]
    copy = ChannelProduct.objects.using("channel").get(product_number="FX-1001")
    assert (copy.name_in("pl"), copy.name_in("cs"), copy.unit) == (
        "Wkręt do drewna 4 mm",
        "Vrut do dřeva 4 mm",
        "box",
    )
    assert (first.outcome, first.rows, first.errors) == (JobRun.Outcome.SUCCEEDED, 3, 0)
    assert (second.outcome, second.rows) == (JobRun.Outcome.SUCCEEDED, 0)


def test_a_price_change_reaches_the_site():
    _save("FX-1001")
    job_execute(code="1040")

    _save("FX-1001", price=Decimal("12.34"))
    run = job_execute(code="1040")

    assert run.rows == 1
    assert ChannelProduct.objects.using("channel").get(product_number="FX-1001").price == Decimal(
        "12.34"
    )


def test_a_product_made_inactive_in_hq_stays_on_the_site_inactive():
    _save("FX-1001")
    _save("FX-1002")
    job_execute(code="1040")

    _save("FX-1001", active=False)
    job_execute(code="1040")

    assert dict(
        ChannelProduct.objects.using("channel").values_list("product_number", "active")
    ) == {
        "FX-1001": False,
        "FX-1002": True,
    }


def test_demo_catalog_fills_hq_and_the_site_and_is_safe_to_run_again():
    call_command("demo_catalog")
    audited = AuditEntry.objects.using("commerce").count()
    hq = _hq()

    call_command("demo_catalog")

    assert len(hq) == 50 and _hq() == hq and _site() == hq
    assert AuditEntry.objects.using("commerce").count() == audited  # nothing saved again
    numbers = [row[0] for row in hq]
    assert numbers[0] == "FX-1001" and numbers[-1] == "FX-1050"
    for product in Product.objects.using("commerce"):
        assert product.name_en and product.name_pl and product.name_cs
        assert product.description_en and product.description_pl and product.description_cs
        assert product.currency == "PLN" and product.price > 0 and product.active
    units = set(Product.objects.using("commerce").values_list("unit", flat=True))
    assert {"pc", "box", "pack", "set", "m", "kg"} <= units
    screw = Product.objects.using("commerce").get(product_number="FX-1001")
    assert screw.name_pl.startswith("Wkręt do drewna") and screw.name_cs.startswith("Vrut do dřeva")


def test_demo_catalog_puts_back_what_was_changed():
    call_command("demo_catalog")
    _save("FX-1001", price=Decimal("1.00"), name_en="Renamed")

    call_command("demo_catalog")

    product = ChannelProduct.objects.using("channel").get(product_number="FX-1001")
    assert product.price == Decimal("28.90") and product.name_en.startswith("Wood screw")
