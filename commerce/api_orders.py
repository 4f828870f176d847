"""Commerce HQ API for products and sales orders (SPEC §13): the back office keeps the catalog
and confirms or cancels the orders partners place; every change goes through a service."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import actor_name
from core.api import IsCommerceBackOffice, ServiceErrorSerializer, query_filters
from core.errors import NotFound

from .api import BUSINESS_KEY
from .models import Product, SalesOrder
from .selectors.orders import product_list, sales_order_list
from .serializers_orders import (
    ProductAddSerializer,
    ProductChangeSerializer,
    ProductFilterSerializer,
    ProductSerializer,
    SalesOrderCancelSerializer,
    SalesOrderDetailSerializer,
    SalesOrderFilterSerializer,
    SalesOrderSerializer,
)
from .services import (
    product_number_clean,
    product_save,
    sales_order_cancel,
    sales_order_confirm,
)

_FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors.")
_product_number = OpenApiParameter("product_number", OpenApiTypes.STR, OpenApiParameter.PATH)
_number = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=[ProductFilterSerializer]),
    retrieve=extend_schema(
        parameters=[_product_number],
        responses={200: ProductSerializer, 404: ServiceErrorSerializer},
    ),
    create=extend_schema(
        request=ProductAddSerializer, responses={201: ProductSerializer, 400: _FIELD_ERRORS}
    ),
    partial_update=extend_schema(
        parameters=[_product_number],
        request=ProductChangeSerializer,
        responses={200: ProductSerializer, 400: _FIELD_ERRORS, 404: ServiceErrorSerializer},
    ),
)
class ProductViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """HQ's products; a change reaches the site by job 1040 (kicked when it is saved)."""

    permission_classes = [IsCommerceBackOffice]
    serializer_class = ProductSerializer
    lookup_field = "product_number"
    lookup_value_regex = BUSINESS_KEY
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        filters = query_filters(ProductFilterSerializer, self.request)
        return product_list(search=filters.get("search") or "", active=filters.get("active"))

    def _product(self, product_number: str) -> Product:
        number = product_number_clean(product_number)
        product = product_list().filter(product_number=number).first()
        if product is None:
            raise NotFound(code="not_found")
        return product

    def retrieve(self, request, product_number: str):
        return Response(ProductSerializer(self._product(product_number)).data)

    def create(self, request):
        body = ProductAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        product = product_save(
            product_number=values.pop("product_number"),
            values=values,
            actor=actor_name(request.user),
        )
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, product_number: str):
        product = self._product(product_number)
        body = ProductChangeSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        saved = product_save(
            product_number=product.product_number,
            values=dict(body.validated_data),
            actor=actor_name(request.user),
        )
        return Response(ProductSerializer(saved).data)


@extend_schema_view(
    list=extend_schema(parameters=[SalesOrderFilterSerializer]),
    retrieve=extend_schema(
        parameters=[_number],
        responses={200: SalesOrderDetailSerializer, 404: ServiceErrorSerializer},
    ),
)
class SalesOrderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The sales orders partners' orders became; newest first."""

    permission_classes = [IsCommerceBackOffice]
    serializer_class = SalesOrderSerializer
    lookup_field = "number"
    lookup_value_regex = BUSINESS_KEY

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SalesOrder.objects.none()
        filters = query_filters(SalesOrderFilterSerializer, self.request)
        return sales_order_list(
            status=filters.get("status", ""),
            customer=filters.get("customer", ""),
            search=filters.get("search", ""),
        )

    @staticmethod
    def _detail(number: str) -> Response:
        order = sales_order_list().prefetch_related("lines").filter(number=number).first()
        if order is None:
            raise NotFound(code="not_found")
        return Response(SalesOrderDetailSerializer(order).data)

    def retrieve(self, request, number: str):
        return self._detail(number)

    @extend_schema(
        parameters=[_number],
        request=None,
        responses={
            200: SalesOrderDetailSerializer,
            404: ServiceErrorSerializer,
            409: OpenApiResponse(ServiceErrorSerializer, description="No longer open."),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, number: str):
        """Confirm an open sales order; the site shows it confirmed and the buyer is emailed."""
        sales_order_confirm(number=number, actor=actor_name(request.user))
        return self._detail(number)

    @extend_schema(
        parameters=[_number],
        request=SalesOrderCancelSerializer,
        responses={
            200: SalesOrderDetailSerializer,
            400: _FIELD_ERRORS,
            404: ServiceErrorSerializer,
            409: OpenApiResponse(ServiceErrorSerializer, description="No longer open."),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, number: str):
        """Cancel an open sales order with a reason the buyer reads; its credit is freed."""
        body = SalesOrderCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sales_order_cancel(
            number=number, reason=body.validated_data["reason"], actor=actor_name(request.user)
        )
        return self._detail(number)
