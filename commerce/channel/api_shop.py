"""The shop's API (SPEC §13): partner users read the catalog and order on account; admins see
their organization's orders and approve or decline those above a spending limit."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.access import actor_name
from core.api import ServiceErrorSerializer, query_filters
from core.errors import NotFound

from .access import request_partner
from .models import ChannelHierarchyMember, ChannelProduct, Order
from .serializers_shop import (
    ChannelProductFilterSerializer,
    ChannelProductSerializer,
    CreditExceededSerializer,
    OrderDeclineSerializer,
    OrderDetailSerializer,
    OrderFilterSerializer,
    OrderPlaceSerializer,
    OrderSerializer,
)
from .shop.api_orders import order_place
from .shop.selectors import order_visible, orders_visible, products_search
from .shop.services import order_approve, order_decline

# An order number in a path: no slash, dot or control character (see commerce.api.BUSINESS_KEY).
ORDER_NUMBER = r"[^/.\x00-\x1f\x7f]+"


class IsPartner(BasePermission):
    """A signed-in user of an organization with access to the B2B site."""

    message = _("Only users of a partner organization can use the shop.")

    def has_permission(self, request, view) -> bool:
        return request_partner(request) is not None


class IsPartnerAdminForOrders(BasePermission):
    message = _("Only an admin of your organization can approve orders.")

    def has_permission(self, request, view) -> bool:
        member = request_partner(request)
        return member is not None and member.is_admin


def _user_id(request) -> int:
    user_id = request.user.pk
    assert user_id is not None  # IsAuthenticated let the request in
    return int(user_id)


def _member(request) -> ChannelHierarchyMember:
    member = request_partner(request)
    assert member is not None  # IsPartner let the request in
    return member


@extend_schema_view(list=extend_schema(parameters=[ChannelProductFilterSerializer]))
class ChannelProductViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The active products as HQ last released them (job 1040), by product number."""

    permission_classes = [IsAuthenticated, IsPartner]
    serializer_class = ChannelProductSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChannelProduct.objects.none()
        query = query_filters(ChannelProductFilterSerializer, self.request).get("q", "")
        return products_search(query=query)


_number = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH)
_decision_refused = OpenApiResponse(
    ServiceErrorSerializer,
    description="The order no longer awaits approval, or it is the admin's own while the "
    "organization has another admin.",
)


@extend_schema_view(
    list=extend_schema(parameters=[OrderFilterSerializer], responses=OrderSerializer(many=True)),
    retrieve=extend_schema(
        parameters=[_number], responses={200: OrderDetailSerializer, 404: ServiceErrorSerializer}
    ),
)
class ChannelOrderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Orders on account: a user's own, or an admin's organization's; never another
    organization's (those are not found)."""

    permission_classes = [IsAuthenticated, IsPartner]
    serializer_class = OrderSerializer
    lookup_field = "number"
    lookup_value_regex = ORDER_NUMBER

    def get_permissions(self):
        # By route, not by action: a GET of approve/ (no action) is refused like its POST.
        if {"approve", "decline"} & set(getattr(self, "action_map", {}).values()):
            return [IsAuthenticated(), IsPartnerAdminForOrders()]
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        filters = query_filters(OrderFilterSerializer, self.request)
        return orders_visible(
            member=_member(self.request),
            user_id=_user_id(self.request),
            status=filters.get("status", ""),
            query=filters.get("q", ""),
        )

    def _order(self, number: str) -> Order:
        order = order_visible(
            member=_member(self.request), user_id=_user_id(self.request), number=number
        )
        if order is None:
            raise NotFound(_("There is no such order."), code="not_found")
        return order

    def retrieve(self, request, number: str):
        return Response(OrderDetailSerializer(self._order(number)).data)

    @extend_schema(
        request=OrderPlaceSerializer,
        responses={
            201: OrderDetailSerializer,
            400: OpenApiResponse(
                CreditExceededSerializer,
                description="Field errors (per line, by index: lines.0.product_number), or the "
                "order is above the available credit (code credit_exceeded, with total, "
                "available and currency).",
            ),
            409: OpenApiResponse(
                ServiceErrorSerializer, description="The organization's account is on hold."
            ),
        },
    )
    def create(self, request):
        body = OrderPlaceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = order_place(
            user_id=_user_id(request),
            purchase_order=body.validated_data["purchase_order"],
            lines=[
                (line["product_number"], line["quantity"]) for line in body.validated_data["lines"]
            ],
            actor=actor_name(request.user),
        )
        return Response(
            OrderDetailSerializer(self._order(order.number)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[_number],
        request=None,
        responses={200: OrderDetailSerializer, 404: ServiceErrorSerializer, 409: _decision_refused},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, number: str):
        order_approve(user_id=_user_id(request), number=number, actor=actor_name(request.user))
        return Response(OrderDetailSerializer(self._order(number)).data)

    @extend_schema(
        parameters=[_number],
        request=OrderDeclineSerializer,
        responses={200: OrderDetailSerializer, 404: ServiceErrorSerializer, 409: _decision_refused},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, number: str):
        body = OrderDeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order_decline(
            user_id=_user_id(request),
            number=number,
            reason=body.validated_data["reason"],
            actor=actor_name(request.user),
        )
        return Response(OrderDetailSerializer(self._order(number)).data)
