"""Payloads of the shop's API (SPEC §13): the catalog and orders on account."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import validate_multiline, validate_single_line

from .models import ChannelProduct, Order, OrderLine
from .shop.checkout import PURCHASE_ORDER_MAX
from .shop.quick_order import MAX_LINES, MAX_QUANTITY

# Money as a number in the schema and the answers, like the spending limits.
MONEY: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "coerce_to_string": False,
    "read_only": True,
}


class ChannelProductSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("In the request's language."))
    description = serializers.CharField(read_only=True, help_text=_("In the request's language."))
    price = serializers.DecimalField(**MONEY)

    class Meta:
        model = ChannelProduct
        fields = ("product_number", "name", "description", "unit", "price", "currency")
        read_only_fields: tuple[str, ...] = fields


class ChannelProductFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        validators=[validate_single_line],
        help_text=_("Words of the product number or name, in any language."),
    )


class OrderLineSerializer(serializers.ModelSerializer):
    unit_price = serializers.DecimalField(**MONEY)
    line_total = serializers.DecimalField(**MONEY)

    class Meta:
        model = OrderLine
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


ORDER_FIELDS = (
    "number",
    "status",
    "total",
    "currency",
    "purchase_order",
    "buyer_name",
    "created_at",
    "approval_reason",
    "decided_by",
    "decided_at",
    "status_reason",
    "sales_order_number",
)


class OrderSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(**MONEY)
    status = serializers.ChoiceField(choices=Order.Status.choices, read_only=True)

    class Meta:
        model = Order
        fields: tuple[str, ...] = ORDER_FIELDS
        read_only_fields: tuple[str, ...] = fields


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = (
            *ORDER_FIELDS,
            "delivery_name",
            "delivery_street",
            "delivery_postal_code",
            "delivery_city",
            "delivery_country",
            "lines",
        )
        read_only_fields: tuple[str, ...] = fields


class OrderFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        validators=[validate_single_line],
        help_text=_("Part of the order number, the purchase order or the buyer's name."),
    )


class OrderLineInputSerializer(serializers.Serializer):
    product_number = serializers.CharField(
        max_length=40,
        validators=[validate_single_line],
        help_text=_("Upper or lower case; spaces are ignored."),
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderPlaceSerializer(serializers.Serializer):
    purchase_order = serializers.CharField(
        max_length=PURCHASE_ORDER_MAX,
        validators=[validate_single_line],
        help_text=_("Your purchase-order reference."),
    )
    # A list field, not a nested many=True serializer: its errors are keyed by the line's index
    # ({"lines": {"0": {"quantity": […]}}}), like the service's.
    lines = serializers.ListField(
        child=OrderLineInputSerializer(),
        min_length=1,
        max_length=MAX_LINES,
        help_text=_("The same product on two lines is ordered once, with the quantities added."),
    )


class OrderDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000,
        validators=[validate_multiline],
        help_text=_("Why the order is declined; the buyer reads it."),
    )


class CreditExceededSerializer(serializers.Serializer):
    """A refused order above the available credit: the figures of the refusal."""

    detail = serializers.CharField()
    code = serializers.CharField()
    total = serializers.CharField(required=False)
    available = serializers.CharField(required=False)
    currency = serializers.CharField(required=False)
