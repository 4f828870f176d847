"""HQ's products and the sales orders the site's orders become (SPEC §13)."""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

# The same texts and units as the site's copies, which job 1040 keeps.
from commerce.channel.models import OrderLineTerms, ProductTexts, Unit
from core.currencies import validate_currency
from core.validators import validate_single_line


class Product(ProductTexts):
    """What partners can order; job 1040 releases the active ones and their prices to the site."""

    product_number = models.CharField(
        _("product number"), max_length=20, unique=True, validators=[validate_single_line]
    )
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    price = models.DecimalField(
        _("price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0, message=_("Enter a price of 0 or more."))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="PLN", validators=[validate_currency]
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["product_number"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.product_number} {self.name_en}"


class SalesOrder(FSMModelMixin, models.Model):
    """A partner's order as HQ takes it on: confirmed or cancelled by the back office."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    transition_log_model = "commerce.TransitionLog"

    number = models.CharField(_("sales order"), max_length=20, unique=True)
    # The site's order: its reference makes taking it on idempotent.
    channel_order_id = models.UUIDField(_("site order reference"), unique=True, default=uuid.uuid4)
    channel_order_number = models.CharField(_("site order"), max_length=20, db_index=True)
    customer = models.CharField(_("customer"), max_length=20, db_index=True)
    hierarchy_id = models.CharField(_("hierarchy ID"), max_length=20)
    buyer = models.CharField(_("buyer account"), max_length=20)
    ordered_by = models.CharField(_("ordered by"), max_length=200)
    buyer_email = models.CharField(_("buyer's email"), max_length=254)
    buyer_language = models.CharField(_("language"), max_length=8, default="en")
    purchase_order = models.CharField(_("purchase order"), max_length=35)
    status = FSMField(_("status"), choices=Status.choices, default=Status.OPEN, protected=True)
    status_reason = models.TextField(_("reason"), blank=True)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    delivery_name = models.CharField(_("deliver to"), max_length=200)
    delivery_street = models.CharField(_("street"), max_length=200, blank=True)
    delivery_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    delivery_city = models.CharField(_("city"), max_length=100, blank=True)
    delivery_country = models.CharField(_("country"), max_length=2, blank=True)
    ordered_at = models.DateTimeField(_("ordered"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    # Whether the site knows this sales order as it is now (job 1010 reports it and sets this);
    # every change of status clears it.
    reported = models.BooleanField(_("reported to the site"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="commerce_so_status"),
            models.Index(
                fields=["id"], condition=models.Q(reported=False), name="commerce_so_unreported"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.customer}"

    @property
    def transition_key(self) -> str:
        return self.number

    @transition(field=status, source=Status.OPEN, target=Status.CONFIRMED)
    def confirm(self, *, by: str, reason: str = "") -> None:
        self.decided_by = by
        self.reported = False

    @transition(field=status, source=Status.OPEN, target=Status.CANCELLED)
    def cancel(self, *, by: str, reason: str) -> None:
        self.decided_by = by
        self.status_reason = reason
        self.reported = False


class SalesOrderLine(OrderLineTerms):
    sales_order = models.ForeignKey(
        SalesOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("sales order")
    )

    class Meta:
        ordering = ["sales_order", "line_number"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        constraints = [
            models.UniqueConstraint(
                fields=["sales_order", "line_number"], name="commerce_so_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sales_order_id}/{self.line_number}"
