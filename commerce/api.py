"""Commerce HQ API for the back office (SPEC §10); every action goes through a service."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import actor_name
from core.api import IsCommerceBackOffice, ServiceErrorSerializer, query_filters
from core.errors import ServiceError

from .jobs import JOBS, Job, job_lookup, job_start
from .models import HierarchyMember
from .selectors import (
    audit_entry_list,
    customer_hierarchy_list,
    customer_list,
    email_notification_list,
    hierarchy_member_list,
    job_run_list,
    job_runs_latest,
    organization_customer_get,
    prospect_list,
)
from .serializers import (
    AuditEntrySerializer,
    AuditFilterSerializer,
    CreditLimitChangeSerializer,
    CreditLimitSerializer,
    CustomerFilterSerializer,
    CustomerHierarchySerializer,
    CustomerSerializer,
    EmailNotificationDetailSerializer,
    EmailNotificationFilterSerializer,
    EmailNotificationSerializer,
    HierarchyMemberAddSerializer,
    HierarchyMemberChangeSerializer,
    HierarchyMemberRemoveSerializer,
    HierarchyMemberSerializer,
    JobQueuedSerializer,
    JobRunFilterSerializer,
    JobRunSerializer,
    JobSerializer,
    ProspectFilterSerializer,
    ProspectRejectSerializer,
    ProspectSerializer,
)
from .services import (
    customer_credit_limit_set,
    hierarchy_member_add,
    hierarchy_member_change,
    hierarchy_member_remove,
    prospect_approve,
    prospect_reject,
)

LATEST_RUNS_PER_JOB = 5


_FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors.")


# A business key in a path: no slash, dot or control character (PostgreSQL refuses NUL in a
# query, so such a path must not reach one; it is simply not found).
BUSINESS_KEY = r"[^/.\x00-\x1f\x7f]+"


class BackOfficeViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsCommerceBackOffice]
    lookup_value_regex = BUSINESS_KEY


@extend_schema_view(list=extend_schema(parameters=[ProspectFilterSerializer]))
class ProspectViewSet(BackOfficeViewSet):
    serializer_class = ProspectSerializer
    lookup_field = "prospect_number"

    def get_queryset(self):
        if self.action == "list":
            return prospect_list(**query_filters(ProspectFilterSerializer, self.request))
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
            400: _FIELD_ERRORS,
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
            return customer_list(**query_filters(CustomerFilterSerializer, self.request))
        return customer_list()

    @extend_schema(
        methods=["GET"],
        responses={200: CreditLimitSerializer, 404: ServiceErrorSerializer},
    )
    @extend_schema(
        methods=["PATCH"],
        request=CreditLimitChangeSerializer,
        responses={
            200: CreditLimitSerializer,
            400: _FIELD_ERRORS,
            404: ServiceErrorSerializer,
        },
    )
    @action(detail=True, methods=["get", "patch"], url_path="credit-limit")
    def credit_limit(self, request, account_number: str):
        """An organization's credit limit; a change is audited (who, when, old → new)."""
        customer = organization_customer_get(account_number=account_number)
        if request.method == "PATCH":
            body = CreditLimitChangeSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            customer = customer_credit_limit_set(
                account_number=account_number,
                actor=actor_name(request.user),
                **{
                    "credit_limit": customer.credit_limit,
                    "currency": customer.currency,
                    "credit_limit_type": customer.credit_limit_type,
                    **body.validated_data,
                },
            )
        return Response(CreditLimitSerializer(customer).data)


class CustomerHierarchyViewSet(BackOfficeViewSet):
    serializer_class = CustomerHierarchySerializer
    lookup_field = "hierarchy_id"

    def get_queryset(self):
        return customer_hierarchy_list()


_hierarchy_id = OpenApiParameter("hierarchy_id", OpenApiTypes.STR, OpenApiParameter.PATH)
_account_number = OpenApiParameter("account_number", OpenApiTypes.STR, OpenApiParameter.PATH)
_member_refused = OpenApiResponse(
    ServiceErrorSerializer,
    description="Refused: the email of a user of this hierarchy, or the last admin.",
)


@extend_schema_view(
    list=extend_schema(parameters=[_hierarchy_id]),
    retrieve=extend_schema(
        parameters=[_hierarchy_id, _account_number],
        responses={200: HierarchyMemberSerializer, 404: ServiceErrorSerializer},
    ),
    create=extend_schema(
        parameters=[_hierarchy_id],
        request=HierarchyMemberAddSerializer,
        responses={
            201: HierarchyMemberSerializer,
            400: _FIELD_ERRORS,
            404: ServiceErrorSerializer,
            409: _member_refused,
        },
    ),
    partial_update=extend_schema(
        parameters=[_hierarchy_id, _account_number],
        request=HierarchyMemberChangeSerializer,
        responses={
            200: HierarchyMemberSerializer,
            400: _FIELD_ERRORS,
            404: ServiceErrorSerializer,
            409: _member_refused,
        },
    ),
    destroy=extend_schema(
        parameters=[_hierarchy_id, _account_number],
        request=HierarchyMemberRemoveSerializer,
        responses={
            200: OpenApiResponse(
                HierarchyMemberSerializer, description="The member, now with status removed."
            ),
            404: ServiceErrorSerializer,
            409: _member_refused,
        },
    ),
)
class HierarchyMemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A hierarchy's partner users; adding, changing and removing go through HQ's services."""

    permission_classes = [IsCommerceBackOffice]
    serializer_class = HierarchyMemberSerializer
    lookup_field = "customer__account_number"
    lookup_url_kwarg = "account_number"
    lookup_value_regex = BUSINESS_KEY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no path
            return HierarchyMember.objects.none()
        return hierarchy_member_list(hierarchy_id=self.kwargs["hierarchy_id"])

    def create(self, request, hierarchy_id: str):
        body = HierarchyMemberAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            member = hierarchy_member_add(
                hierarchy_id=hierarchy_id, actor=actor_name(request.user), **body.validated_data
            )
        except ServiceError as exc:
            # A refusal about given fields (an email in use elsewhere) answers as field errors.
            if exc.status_code == 400 and exc.details.get("errors"):
                raise serializers.ValidationError(exc.details["errors"]) from exc
            raise
        return Response(HierarchyMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, hierarchy_id: str, account_number: str):
        body = HierarchyMemberChangeSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        member = hierarchy_member_change(
            hierarchy_id=hierarchy_id,
            account_number=account_number,
            actor=actor_name(request.user),
            values=dict(body.validated_data),
        )
        return Response(HierarchyMemberSerializer(member).data)

    def destroy(self, request, hierarchy_id: str, account_number: str):
        body = HierarchyMemberRemoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = hierarchy_member_remove(
            hierarchy_id=hierarchy_id,
            account_number=account_number,
            actor=actor_name(request.user),
            reason=body.validated_data["reason"],
        )
        return Response(HierarchyMemberSerializer(member).data)


@extend_schema_view(list=extend_schema(parameters=[AuditFilterSerializer]))
class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who changed what in HQ, when, old → new; newest first."""

    permission_classes = [IsCommerceBackOffice]
    serializer_class = AuditEntrySerializer

    def get_queryset(self):
        key = query_filters(AuditFilterSerializer, self.request).get("key")
        return audit_entry_list(keys=[key] if key else None)


@extend_schema_view(
    list=extend_schema(parameters=[EmailNotificationFilterSerializer]),
    retrieve=extend_schema(responses=EmailNotificationDetailSerializer),
)
class EmailNotificationViewSet(BackOfficeViewSet):
    lookup_field = "notification_id"

    def get_queryset(self):
        if self.action == "list":
            filters = query_filters(EmailNotificationFilterSerializer, self.request)
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
            slug = query_filters(JobRunFilterSerializer, self.request).get("job")
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
        responses={
            202: JobQueuedSerializer,
            404: ServiceErrorSerializer,
            503: OpenApiResponse(ServiceErrorSerializer, description="The task queue is down."),
        },
    )
    @action(detail=True, methods=["post"])
    def run(self, request, slug: str):
        job = job_start(slug=slug, trigger="api")
        return Response({"job": job.code, "queued": True}, status=status.HTTP_202_ACCEPTED)
