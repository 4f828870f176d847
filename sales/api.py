"""Sales API for sales reps (SPEC §10); every change goes through a service.

Back-office staff may read the lead view "All B2B commerce leads" and those leads, nothing else.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core.access import COMMERCE_BACK_OFFICE, actor_name, user_in_groups
from core.api import IsSalesRepresentative

from . import services
from .models import Account, Contact, Lead, Opportunity
from .selectors import (
    ALL_B2B_COMMERCE_LEADS,
    account_list,
    contact_list,
    lead_list,
    opportunity_list,
)
from .serializers import (
    AccountSerializer,
    ContactSerializer,
    DuplicatesFoundSerializer,
    LeadDisqualifySerializer,
    LeadListFilterSerializer,
    LeadQualificationSerializer,
    LeadQualifySerializer,
    LeadSerializer,
    OpportunityCloseAsLostSerializer,
    OpportunityCloseAsWonSerializer,
    OpportunitySerializer,
    SalesServiceErrorSerializer,
)

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors.")


def _illegal(description: str) -> OpenApiResponse:
    return OpenApiResponse(SalesServiceErrorSerializer, description=description)


class ReadsB2BCommerceLeads(permissions.BasePermission):
    """Back-office staff read the B2B commerce leads (SPEC §3 step 4), never change them."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS and user_in_groups(
            request.user, COMMERCE_BACK_OFFICE
        )


class SalesViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsSalesRepresentative]

    def _service_run(self, request, body_serializer: type[Serializer], service, key: str):
        """Run `service` on this record as the signed-in rep, with the checked body."""
        record = self.get_object()
        body = body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        return service(**{key: record.pk}, actor=actor_name(request.user), **body.validated_data)


@extend_schema_view(list=extend_schema(parameters=[LeadListFilterSerializer]))
class LeadViewSet(SalesViewSet):
    permission_classes = [IsSalesRepresentative | ReadsB2BCommerceLeads]
    serializer_class = LeadSerializer
    queryset = Lead.objects.none()  # names the model for the schema; reads use lead_list

    def get_queryset(self):
        rep = IsSalesRepresentative().has_permission(self.request, self)
        if self.action == "list":
            query = LeadListFilterSerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            view = query.validated_data.get("view")
            if not rep and view != ALL_B2B_COMMERCE_LEADS:
                raise PermissionDenied(
                    _("Back-office staff may list only the view %(view)s.")
                    % {"view": ALL_B2B_COMMERCE_LEADS}
                )
            return lead_list(view=view, user_name=actor_name(self.request.user))
        return lead_list(view=None if rep else ALL_B2B_COMMERCE_LEADS)

    @extend_schema(
        request=LeadQualifySerializer,
        responses={
            200: LeadQualificationSerializer,
            400: FIELD_ERRORS,
            404: SalesServiceErrorSerializer,
            409: OpenApiResponse(
                DuplicatesFoundSerializer,
                description="Possible duplicates (listed) unless ignore_duplicates is set; "
                "or the lead is not open.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def qualify(self, request, pk=None):
        result = self._service_run(request, LeadQualifySerializer, services.lead_qualify, "lead_id")
        return Response(LeadQualificationSerializer(result).data)

    @extend_schema(
        request=LeadDisqualifySerializer,
        responses={
            200: LeadSerializer,
            400: FIELD_ERRORS,
            404: SalesServiceErrorSerializer,
            409: _illegal("The lead is not open, or an opportunity comes from it."),
        },
    )
    @action(detail=True, methods=["post"])
    def disqualify(self, request, pk=None):
        lead = self._service_run(
            request, LeadDisqualifySerializer, services.lead_disqualify, "lead_id"
        )
        return Response(LeadSerializer(lead).data)

    @extend_schema(
        request=None,
        responses={
            200: LeadSerializer,
            404: SalesServiceErrorSerializer,
            409: _illegal("Only a disqualified lead can be reactivated."),
        },
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        lead = services.lead_reactivate(
            lead_id=self.get_object().pk, actor=actor_name(request.user)
        )
        return Response(LeadSerializer(lead).data)


def _close_schema(request_serializer: type[Serializer]):
    return extend_schema(
        request=request_serializer,
        responses={
            200: OpportunitySerializer,
            400: FIELD_ERRORS,
            404: SalesServiceErrorSerializer,
            409: _illegal("Only an open opportunity can be closed."),
        },
    )


class OpportunityViewSet(SalesViewSet):
    serializer_class = OpportunitySerializer
    queryset = Opportunity.objects.none()  # names the model for the schema

    def get_queryset(self):
        return opportunity_list()

    @_close_schema(OpportunityCloseAsWonSerializer)
    @action(detail=True, methods=["post"], url_path="close-as-won")
    def close_as_won(self, request, pk=None):
        opportunity = self._service_run(
            request,
            OpportunityCloseAsWonSerializer,
            services.opportunity_close_as_won,
            "opportunity_id",
        )
        return Response(OpportunitySerializer(opportunity).data)

    @_close_schema(OpportunityCloseAsLostSerializer)
    @action(detail=True, methods=["post"], url_path="close-as-lost")
    def close_as_lost(self, request, pk=None):
        opportunity = self._service_run(
            request,
            OpportunityCloseAsLostSerializer,
            services.opportunity_close_as_lost,
            "opportunity_id",
        )
        return Response(OpportunitySerializer(opportunity).data)


class AccountViewSet(SalesViewSet):
    serializer_class = AccountSerializer
    queryset = Account.objects.none()  # names the model for the schema
    lookup_field = "account_number"

    def get_queryset(self):
        return account_list()


class ContactViewSet(SalesViewSet):
    serializer_class = ContactSerializer
    queryset = Contact.objects.none()  # names the model for the schema
    lookup_field = "contact_number"

    def get_queryset(self):
        return contact_list()
