"""Payloads of HQ's products and sales orders in the Commerce HQ API (SPEC §13)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import validate_multiline, validate_single_line

from .models import Product, SalesOrder, SalesOrderLine
from .services import PRODUCT_FIELDS, product_number_clean

# Money as a number in the schema and the answers.
MONEY: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "coerce_to_string": False,
    "read_only": True,
}


class ProductSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(**MONEY)

    class Meta:
        model = Product
        fields = ("product_number", *PRODUCT_FIELDS, "created_at", "updated_at")
        read_only_fields: tuple[str, ...] = fields


class ProductFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        validators=[validate_single_line],
        help_text=_("Words of the product number or name, in any language."),
    )
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class ProductChangeSerializer(serializers.ModelSerializer):
    """A product's fields; the model's rules apply (English name required, currency ISO 4217)."""

    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), coerce_to_string=False
    )

    class Meta:
        model = Product
        fields: tuple[str, ...] = PRODUCT_FIELDS


class ProductAddSerializer(ProductChangeSerializer):
    product_number = serializers.CharField(
        max_length=40,
        validators=[validate_single_line],
        help_text=_("Kept in capitals, without spaces."),
    )

    class Meta(ProductChangeSerializer.Meta):
        fields = ("product_number", *PRODUCT_FIELDS)

    def validate_product_number(self, value: str) -> str:
        number = product_number_clean(value)
        if not number or len(number) > 20:
            raise serializers.ValidationError(_("A product number has 1 to 20 characters."))
        if Product.objects.using("commerce").filter(product_number=number).exists():
            raise serializers.ValidationError(_("A product with this number already exists."))
        return number


class SalesOrderLineSerializer(serializers.ModelSerializer):
    unit_price = serializers.DecimalField(**MONEY)
    line_total = serializers.DecimalField(**MONEY)

    class Meta:
        model = SalesOrderLine
        fields = (
            "line_number",
            "product_number",
            "product_name",
            "unit",
            "quantity",
            "unit_price",
            "line_total",
        )
        read_only_fields: tuple[str, ...] = fields


SALES_ORDER_FIELDS = (
    "number",
    "channel_order_number",
    "customer",
    "hierarchy_id",
    "buyer",
    "ordered_by",
    "buyer_email",
    "purchase_order",
    "status",
    "status_reason",
    "total",
    "currency",
    "ordered_at",
    "decided_at",
    "decided_by",
)


class SalesOrderSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(**MONEY)
    status = serializers.ChoiceField(choices=SalesOrder.Status.choices, read_only=True)

    class Meta:
        model = SalesOrder
        fields: tuple[str, ...] = SALES_ORDER_FIELDS
        read_only_fields: tuple[str, ...] = fields


class SalesOrderDetailSerializer(SalesOrderSerializer):
    lines = SalesOrderLineSerializer(many=True, read_only=True)

    class Meta(SalesOrderSerializer.Meta):
        fields = (
            *SALES_ORDER_FIELDS,
            "delivery_name",
            "delivery_street",
            "delivery_postal_code",
            "delivery_city",
            "delivery_country",
            "lines",
        )
        read_only_fields: tuple[str, ...] = fields


class SalesOrderFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SalesOrder.Status.choices, required=False)
    customer = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        validators=[validate_single_line],
        help_text=_("The organization's account number."),
    )
    search = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        validators=[validate_single_line],
        help_text=_("A sales or site order number, or part of the purchase order or buyer."),
    )


class SalesOrderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000,
        validators=[validate_multiline],
        help_text=_("Why the order is cancelled; the buyer reads it."),
    )
