"""The shop (SPEC §13): HQ's products as job 1040 copies them, carts, and orders on account."""

import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.models import NumberSequence as NumberSequenceBase
from core.validators import validate_single_line

LANGUAGE_CODES = ("en", "pl", "cs")


class Unit(models.TextChoices):
    """How a product is sold; the same list in HQ and on the site."""

    PIECE = "pc", _("piece")
    BOX = "box", _("box")
    PACK = "pack", _("pack")
    SET = "set", _("set")
    METRE = "m", _("metre")
    KILOGRAM = "kg", _("kilogram")


class ProductTexts(models.Model):
    """A product's name and description in each language of the site; English is required."""

    name_en = models.CharField(
        _("name (English)"), max_length=200, validators=[validate_single_line]
    )
    name_pl = models.CharField(
        _("name (Polish)"), max_length=200, blank=True, validators=[validate_single_line]
    )
    name_cs = models.CharField(
        _("name (Czech)"), max_length=200, blank=True, validators=[validate_single_line]
    )
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    description_pl = models.TextField(_("description (Polish)"), max_length=2000, blank=True)
    description_cs = models.TextField(_("description (Czech)"), max_length=2000, blank=True)

    class Meta:
        abstract = True

    def _text(self, field: str, language: str | None) -> str:
        code = (language or get_language() or "en")[:2]
        code = code if code in LANGUAGE_CODES else "en"
        return getattr(self, f"{field}_{code}") or getattr(self, f"{field}_en")

    def name_in(self, language: str | None = None) -> str:
        """The name in `language` (the active one by default), else in English."""
        return self._text("name", language)

    def description_in(self, language: str | None = None) -> str:
        return self._text("description", language)

    @property
    def name(self) -> str:
        return self.name_in()

    @property
    def description(self) -> str:
        return self.description_in()


class ChannelProduct(ProductTexts):
    """A product as HQ last released it (job 1040); the shop shows only active ones."""

    product_number = models.CharField(_("product number"), max_length=20, unique=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    active = models.BooleanField(_("active"), default=True)
    copied_at = models.DateTimeField(_("copied at"), auto_now=True)

    class Meta:
        ordering = ["product_number"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.product_number} {self.name_en}"


class CartLine(models.Model):
    """One product in a partner user's cart; the cart is the user's and survives sign-out."""

    user_id = models.PositiveBigIntegerField()
    product_number = models.CharField(_("product number"), max_length=20)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user_id", "product_number"], name="channel_cart_once")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_number} (user {self.user_id})"


class NumberSequence(NumberSequenceBase):
    """The site's number sequences (orders)."""


class Order(FSMModelMixin, models.Model):
    """An order on account (SPEC §13): its lines, who placed it, and where it stands."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        PLACED = "placed", _("Placed")
        DECLINED = "declined", _("Declined")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    # What the organization's credit still holds for: every order not yet invoiced or ended.
    OPEN_STATUSES = (Status.AWAITING_APPROVAL, Status.PLACED, Status.CONFIRMED)
    # What a user has spent in a month: the orders that were not declined or cancelled.
    SPENT_STATUSES = OPEN_STATUSES
    # The states HQ hears of through P-0001 (a placed order, a request for approval, a decline).
    UPLOADED_STATUSES = (Status.AWAITING_APPROVAL, Status.PLACED, Status.DECLINED)

    transition_log_model = "channel.TransitionLog"

    order_id = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("order number"), max_length=20, unique=True)
    hierarchy_id = models.CharField(_("hierarchy ID"), max_length=20)
    organization = models.CharField(_("organization"), max_length=20, db_index=True)
    buyer = models.CharField(_("buyer"), max_length=20)
    buyer_user_id = models.PositiveBigIntegerField()
    buyer_name = models.CharField(_("ordered by"), max_length=200)
    buyer_email = models.CharField(_("buyer's email"), max_length=254)
    buyer_language = models.CharField(_("language"), max_length=8, default="en")
    purchase_order = models.CharField(
        _("purchase order"), max_length=35, validators=[validate_single_line]
    )
    status = FSMField(_("status"), choices=Status.choices, default=Status.PLACED, protected=True)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # Why it waits for an admin (the limit it passed), in the words of the check.
    approval_reason = models.CharField(_("why it needs approval"), max_length=200, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # An admin's reason to decline it, or HQ's to cancel it; the buyer reads it.
    status_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    delivery_name = models.CharField(_("deliver to"), max_length=200)
    delivery_street = models.CharField(_("street"), max_length=200, blank=True)
    delivery_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    delivery_city = models.CharField(_("city"), max_length=100, blank=True)
    delivery_country = models.CharField(_("country"), max_length=2, blank=True)
    sales_order_number = models.CharField(_("HQ sales order"), max_length=20, blank=True)
    # The last status P-0001 carried to HQ; a status not yet carried is due for upload.
    uploaded_status = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["organization", "status"], name="channel_order_credit"),
            models.Index(fields=["buyer_user_id", "created_at"], name="channel_order_buyer"),
            models.Index(fields=["status", "id"], name="channel_order_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    @property
    def transition_key(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def payload(self) -> dict:
        """What P-0001 stages in HQ: everything HQ needs to take the order on or to email about
        it, so nothing waits on another record (lines prefetched or read here)."""
        return {
            "order_id": str(self.order_id),
            "number": self.number,
            "status": self.status,
            "hierarchy_id": self.hierarchy_id,
            "organization": self.organization,
            "buyer": self.buyer,
            "buyer_name": self.buyer_name,
            "buyer_email": self.buyer_email,
            "buyer_language": self.buyer_language,
            "purchase_order": self.purchase_order,
            "total": str(self.total),
            "currency": self.currency,
            "approval_reason": self.approval_reason,
            "status_reason": self.status_reason,
            "decided_by": self.decided_by,
            "delivery_name": self.delivery_name,
            "delivery_street": self.delivery_street,
            "delivery_postal_code": self.delivery_postal_code,
            "delivery_city": self.delivery_city,
            "delivery_country": self.delivery_country,
            "ordered_at": self.created_at.isoformat(),
            "lines": [line.payload() for line in self.lines.all()],
        }

    @transition(field=status, source=Status.AWAITING_APPROVAL, target=Status.PLACED)
    def approve(self, *, by: str, reason: str = "") -> None:
        self.decided_by = by

    @transition(field=status, source=Status.AWAITING_APPROVAL, target=Status.DECLINED)
    def decline(self, *, by: str, reason: str) -> None:
        self.decided_by = by
        self.status_reason = reason

    @transition(field=status, source=Status.PLACED, target=Status.CONFIRMED)
    def confirm(self, *, by: str, reason: str = "") -> None:
        """HQ confirmed its sales order; job 1010 brings the news."""

    @transition(field=status, source=Status.PLACED, target=Status.CANCELLED)
    def cancel(self, *, by: str, reason: str) -> None:
        """HQ cancelled its sales order; job 1010 brings the news and the reason."""
        self.status_reason = reason


class OrderLineTerms(models.Model):
    """An order line as the site took it and HQ keeps it (the site's Order, HQ's SalesOrder)."""

    line_number = models.PositiveSmallIntegerField(_("line"))
    product_number = models.CharField(_("product number"), max_length=20)
    # The name in the buyer's language when ordered: what they saw and HQ keeps.
    product_name = models.CharField(_("product"), max_length=200)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)

    TERMS = (
        "line_number",
        "product_number",
        "product_name",
        "unit",
        "quantity",
        "unit_price",
        "line_total",
    )

    class Meta:
        abstract = True

    def payload(self) -> dict:
        """The line as P-0001 stages it (amounts as text, exact)."""
        values = {name: getattr(self, name) for name in self.TERMS}
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in values.items()
        }

    @classmethod
    def terms_from_payload(cls, line: dict) -> dict:
        return {
            **{name: line[name] for name in cls.TERMS},
            "unit_price": Decimal(line["unit_price"]),
            "line_total": Decimal(line["line_total"]),
        }


class OrderLine(OrderLineTerms):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="channel_order_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_number}: {self.quantity} x {self.product_number}"
