"""Dual-write API for integration administrators (SPEC §7, §10); changes go through services.

Long work (initial sync, enabling the Commerce solution) is queued for a worker and answered
with 202; its progress shows in the map's `initial_sync_percent`.
"""

from dataclasses import asdict

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core.access import actor_name
from core.api import IsIntegrationAdministrator, ServiceErrorSerializer, query_filters
from core.errors import NotFound

from . import services
from .maps import MAPS
from .models import ConflictEntry, DeliveryError, MapState
from .selectors import conflict_list, delivery_error_list, map_status_list
from .serializers import (
    ConflictEntrySerializer,
    ConflictFilterSerializer,
    DeliveryErrorFilterSerializer,
    DeliveryErrorSerializer,
    DeliveryErrorSkipSerializer,
    MapDetailSerializer,
    MapsQueuedSerializer,
    MapStatusSerializer,
    RetriedSerializer,
    RetryAllFilterSerializer,
)

DB = "default"
FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors.")
UNKNOWN = OpenApiResponse(ServiceErrorSerializer, description="No such record.")
# The registry fields a map's detail adds to its status.
MAP_REGISTRY_FIELDS = (
    "alert_errors",
    "alert_minutes",
    "initial_sync_done",
    "initial_sync_total",
    "initial_sync_started_at",
    "initial_sync_finished_at",
    "changed_at",
    "changed_by",
)


QUEUE_DOWN = OpenApiResponse(ServiceErrorSerializer, description="The task queue is down.")


def _map_detail(code: str) -> dict:
    status_row = next((s for s in map_status_list() if s.code == code), None)
    if status_row is None:
        raise NotFound(
            _("Unknown map '%(code)s'. Maps: %(maps)s.") % {"code": code, "maps": ", ".join(MAPS)},
            code="unknown_map",
        )
    # A map nobody registered yet has no row: it shows the defaults it will start with.
    registry = MapState.objects.using(DB).filter(code=code).first() or MapState(code=code)
    return {**asdict(status_row), **{name: getattr(registry, name) for name in MAP_REGISTRY_FIELDS}}


_map_code = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(MAPS))


def _map_change(description: str):
    return extend_schema(
        parameters=[_map_code],
        request=None,
        responses={
            200: MapDetailSerializer,
            404: UNKNOWN,
            409: OpenApiResponse(ServiceErrorSerializer, description=description),
        },
    )


class MapViewSet(viewsets.ViewSet):
    """The table maps of SPEC §7 with state, backlog, lag, errors and initial-sync progress."""

    permission_classes = [IsIntegrationAdministrator]
    lookup_field = "code"
    lookup_value_regex = r"[a-z_]+"

    @extend_schema(responses=MapStatusSerializer(many=True))
    def list(self, request):
        return Response(MapStatusSerializer(map_status_list(), many=True).data)

    @extend_schema(parameters=[_map_code], responses={200: MapDetailSerializer, 404: UNKNOWN})
    def retrieve(self, request, code: str):
        return Response(MapDetailSerializer(_map_detail(code)).data)

    @_map_change("The map is not running, or the Sales integration is off.")
    @action(detail=True, methods=["post"])
    def pause(self, request, code: str):
        services.map_pause(code=code, actor=actor_name(request.user))
        return Response(MapDetailSerializer(_map_detail(code)).data)

    @_map_change("The map is not paused, or the Sales integration is off.")
    @action(detail=True, methods=["post"])
    def resume(self, request, code: str):
        services.map_resume(code=code, actor=actor_name(request.user))
        return Response(MapDetailSerializer(_map_detail(code)).data)

    @extend_schema(
        parameters=[_map_code],
        request=None,
        responses={
            202: MapsQueuedSerializer,
            404: UNKNOWN,
            409: OpenApiResponse(
                ServiceErrorSerializer,
                description="The map is paused, or the Sales integration is off.",
            ),
            503: QUEUE_DOWN,
        },
    )
    @action(detail=True, methods=["post"], url_path="initial-sync")
    def initial_sync(self, request, code: str):
        services.initial_sync_request(code=code, actor=actor_name(request.user))
        return Response({"maps": [code], "queued": True}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={
            202: MapsQueuedSerializer,
            409: OpenApiResponse(
                ServiceErrorSerializer, description="The Sales integration is off."
            ),
            503: QUEUE_DOWN,
        },
    )
    @action(detail=False, methods=["post"])
    def enable(self, request):
        """Enable the Commerce solution: register every map, initial-sync it and start it."""
        states = services.solution_enable_request(actor=actor_name(request.user))
        return Response(
            {"maps": [state.code for state in states], "queued": True},
            status=status.HTTP_202_ACCEPTED,
        )


def _error_change(request_body=None):
    return extend_schema(
        request=request_body,
        responses={
            200: DeliveryErrorSerializer,
            **({400: FIELD_ERRORS} if request_body else {}),
            404: UNKNOWN,
            409: OpenApiResponse(ServiceErrorSerializer, description="Already resolved."),
        },
    )


def _log_schema(filters: type[Serializer], entry: type[Serializer]):
    """The filtered list and the entries of a log the integration administrators read."""
    return extend_schema_view(
        list=extend_schema(
            parameters=[filters], responses={200: entry(many=True), 400: FIELD_ERRORS}
        ),
        retrieve=extend_schema(responses={200: entry, 404: UNKNOWN}),
    )


class LogViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsIntegrationAdministrator]
    lookup_value_regex = r"\d+"


@_log_schema(DeliveryErrorFilterSerializer, DeliveryErrorSerializer)
class DeliveryErrorViewSet(LogViewSet):
    """The error log: failing messages with their payload; retry one, retry all, or skip."""

    serializer_class = DeliveryErrorSerializer
    queryset = DeliveryError.objects.none()  # names the model for the schema

    def get_queryset(self):
        if self.action == "list":
            filters = query_filters(DeliveryErrorFilterSerializer, self.request)
            return delivery_error_list(map_code=filters.get("map"), state=filters["state"])
        return DeliveryError.objects.using(DB).all()

    @_error_change()
    @action(detail=True, methods=["post"])
    def retry(self, request, pk: str):
        error = services.delivery_error_retry(error_id=int(pk), actor=actor_name(request.user))
        return Response(DeliveryErrorSerializer(error).data)

    @_error_change(DeliveryErrorSkipSerializer)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk: str):
        body = DeliveryErrorSkipSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        error = services.delivery_error_skip(
            error_id=int(pk), reason=body.validated_data["reason"], actor=actor_name(request.user)
        )
        return Response(DeliveryErrorSerializer(error).data)

    @extend_schema(
        parameters=[RetryAllFilterSerializer],
        request=None,
        responses={200: RetriedSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="retry-all")
    def retry_all(self, request):
        map_code = query_filters(RetryAllFilterSerializer, request).get("map")
        count = services.delivery_errors_retry_all(
            actor=actor_name(request.user), map_code=map_code
        )
        return Response({"retried": count})


@_log_schema(ConflictFilterSerializer, ConflictEntrySerializer)
class ConflictEntryViewSet(LogViewSet):
    """Conflicts on two-way maps: both values and which side the map's rule let win."""

    serializer_class = ConflictEntrySerializer
    queryset = ConflictEntry.objects.none()  # names the model for the schema

    def get_queryset(self):
        if self.action == "list":
            filters = query_filters(ConflictFilterSerializer, self.request)
            return conflict_list(record_key=filters.get("record_key"))
        return conflict_list()
