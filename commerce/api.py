"""Commerce HQ API for the back office (SPEC §10); every action goes through a service."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.access import actor_name
from core.api import IsCommerceBackOffice

from .jobs import JOBS, Job, job_lookup
from .selectors import (
    customer_hierarchy_list,
    customer_list,
    email_notification_list,
    job_run_list,
    job_runs_latest,
    prospect_list,
)
from .serializers import (
    CustomerFilterSerializer,
    CustomerHierarchySerializer,
    CustomerSerializer,
    EmailNotificationDetailSerializer,
    EmailNotificationFilterSerializer,
    EmailNotificationSerializer,
    JobQueuedSerializer,
    JobRunFilterSerializer,
    JobRunSerializer,
    JobSerializer,
    ProspectFilterSerializer,
    ProspectRejectSerializer,
    ProspectSerializer,
    ServiceErrorSerializer,
)
from .services import prospect_approve, prospect_reject
from .tasks import job_run

LATEST_RUNS_PER_JOB = 5


def _query_filters(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """Validated query parameters; a bad value answers 400 with the field's error."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class BackOfficeViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsCommerceBackOffice]


@extend_schema_view(list=extend_schema(parameters=[ProspectFilterSerializer]))
class ProspectViewSet(BackOfficeViewSet):
    serializer_class = ProspectSerializer
    lookup_field = "prospect_number"

    def get_queryset(self):
        if self.action == "list":
            return prospect_list(**_query_filters(ProspectFilterSerializer, self.request))
        return prospect_list()

    @extend_schema(
        request=None,
        responses={
            200: ProspectSerializer,
            404: ServiceErrorSerializer,
            409: OpenApiResponse(
                ServiceErrorSerializer,
                description="Already decided, or decided in Sales while the integration is on.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, prospect_number: str):
        prospect = prospect_approve(prospect_number=prospect_number, actor=actor_name(request.user))
        return Response(ProspectSerializer(prospect).data)

    @extend_schema(
        request=ProspectRejectSerializer,
        responses={
            200: ProspectSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors."),
            404: ServiceErrorSerializer,
            409: OpenApiResponse(
                ServiceErrorSerializer,
                description="Already decided, or decided in Sales while the integration is on.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, prospect_number: str):
        body = ProspectRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        prospect = prospect_reject(
            prospect_number=prospect_number,
            reason=body.validated_data["reason"],
            actor=actor_name(request.user),
        )
        return Response(ProspectSerializer(prospect).data)


@extend_schema_view(list=extend_schema(parameters=[CustomerFilterSerializer]))
class CustomerViewSet(BackOfficeViewSet):
    serializer_class = CustomerSerializer
    lookup_field = "account_number"

    def get_queryset(self):
        if self.action == "list":
            return customer_list(**_query_filters(CustomerFilterSerializer, self.request))
        return customer_list()


class CustomerHierarchyViewSet(BackOfficeViewSet):
    serializer_class = CustomerHierarchySerializer
    lookup_field = "hierarchy_id"

    def get_queryset(self):
        return customer_hierarchy_list()


@extend_schema_view(
    list=extend_schema(parameters=[EmailNotificationFilterSerializer]),
    retrieve=extend_schema(responses=EmailNotificationDetailSerializer),
)
class EmailNotificationViewSet(BackOfficeViewSet):
    lookup_field = "notification_id"

    def get_queryset(self):
        if self.action == "list":
            filters = _query_filters(EmailNotificationFilterSerializer, self.request)
            return email_notification_list(
                recipient=filters.get("recipient"),
                notification_type=filters.get("type"),
                status=filters.get("status"),
            )
        return email_notification_list()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EmailNotificationDetailSerializer
        return EmailNotificationSerializer


@extend_schema_view(list=extend_schema(parameters=[JobRunFilterSerializer]))
class JobRunViewSet(BackOfficeViewSet):
    serializer_class = JobRunSerializer

    def get_queryset(self):
        if self.action == "list":
            slug = _query_filters(JobRunFilterSerializer, self.request).get("job")
            return job_run_list(job=job_lookup(slug).code if slug else None)
        return job_run_list()


def _job_data(job: Job, latest_runs: list) -> dict:
    return {"code": job.code, "slug": job.slug, "name": job.name, "latest_runs": latest_runs}


_job_slug = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, enum=[job.slug for job in JOBS.values()]
)


class JobViewSet(viewsets.ViewSet):
    """The jobs of SPEC §6 with their latest runs; a run requested here is queued for a worker."""

    permission_classes = [IsCommerceBackOffice]
    lookup_field = "slug"

    @extend_schema(responses=JobSerializer(many=True))
    def list(self, request):
        latest = job_runs_latest(per_job=LATEST_RUNS_PER_JOB)
        jobs = [_job_data(job, latest.get(job.code, [])) for job in JOBS.values()]
        return Response(JobSerializer(jobs, many=True).data)

    @extend_schema(
        parameters=[_job_slug], responses={200: JobSerializer, 404: ServiceErrorSerializer}
    )
    def retrieve(self, request, slug: str):
        job = job_lookup(slug)
        latest = list(job_run_list(job=job.code)[:LATEST_RUNS_PER_JOB])
        return Response(JobSerializer(_job_data(job, latest)).data)

    @extend_schema(
        parameters=[_job_slug],
        request=None,
        responses={202: JobQueuedSerializer, 404: ServiceErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def run(self, request, slug: str):
        job = job_lookup(slug)
        job_run.delay(job.code, "api")
        return Response({"job": job.code, "queued": True}, status=status.HTTP_202_ACCEPTED)
