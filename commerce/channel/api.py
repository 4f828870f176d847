"""API of the B2B site (SPEC §10): onboarding requests for anyone, organization users for admins."""

import uuid

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.api import ServiceErrorSerializer
from core.errors import NotFound

from .access import request_partner
from .forms import HONEYPOT_FIELD
from .models import PartnerUserRequest
from .selectors import onboarding_request_public_status, organization_users
from .serializers import (
    OnboardingRequestCreatedSerializer,
    OnboardingRequestSerializer,
    OnboardingRequestStatusSerializer,
    OrganizationUserAddSerializer,
    OrganizationUserChangeSerializer,
    OrganizationUserSerializer,
    PartnerUserRequestAcceptedSerializer,
)
from .services import (
    onboarding_request_create,
    partner_user_request_add,
    partner_user_request_change,
    partner_user_request_remove,
)
from .sign_up_limit import sign_up_wait_seconds


class SignUpRateLimited(Throttled):
    default_detail = _(
        "We received too many sign-up requests from your network in a short time. "
        "Nothing was sent this time; please wait a little and try again."
    )


def _not_created(request, refusal: str) -> Response:
    """The kind answers of the sign-up page, as JSON: 200, nothing stored."""
    if refusal == "partner_exists":
        body = {
            "detail": _(
                "You already have access to the B2B site. Sign in with this email address."
            ),
            "code": "partner_exists",
            "sign_in_url": request.build_absolute_uri(reverse("channel:sign-in")),
        }
    else:
        body = {
            "detail": _(
                "We already have an open request for this email address; we'll be in "
                "touch. There is no need to send it again."
            ),
            "code": "open_request_exists",
        }
    return Response(body, status=status.HTTP_200_OK)


class OnboardingRequestViewSet(viewsets.ViewSet):
    # Anyone may sign up: no session, hence no CSRF check for anonymous JSON clients.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    lookup_field = "request_id"

    @extend_schema(
        request=OnboardingRequestSerializer,
        responses={
            201: OnboardingRequestCreatedSerializer,
            200: OpenApiResponse(
                inline_serializer(
                    "OnboardingRequestNotCreated",
                    {
                        "detail": serializers.CharField(),
                        "code": serializers.ChoiceField(
                            choices=["open_request_exists", "partner_exists"]
                        ),
                        "sign_in_url": serializers.URLField(required=False),
                    },
                ),
                description=(
                    "Nothing was stored: an open request for this email exists "
                    "(open_request_exists), or the person already is a partner user "
                    "(partner_exists, with the sign-in page's address)."
                ),
            ),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors."),
            429: OpenApiResponse(
                inline_serializer("RateLimited", {"detail": serializers.CharField()}),
                description="Too many sign-ups from this client; see the Retry-After header.",
            ),
        },
    )
    def create(self, request):
        serializer = OnboardingRequestSerializer(data=request.data)
        if serializer.honeypot_filled:
            # Looks like any accepted request to the bot, but nothing is stored or counted.
            return Response(
                {"request_id": uuid.uuid4(), "status": "received"}, status=status.HTTP_201_CREATED
            )
        serializer.is_valid(raise_exception=True)
        # Counted with the sign-up page's, valid ones only (sign_up_limit).
        if (wait := sign_up_wait_seconds(request)) is not None:
            raise SignUpRateLimited(wait=wait)
        values = dict(serializer.validated_data)
        values.pop("terms_accepted")
        values.pop(HONEYPOT_FIELD, None)
        language = values.pop("language", None) or getattr(
            request, "LANGUAGE_CODE", settings.LANGUAGE_CODE
        )
        result = onboarding_request_create(values=values, language=language)
        if not result.created or result.request is None:
            return _not_created(request, result.refusal)
        return Response(
            {"request_id": result.request.request_id, "status": "received"},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("request_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
        ],
        responses={200: OnboardingRequestStatusSerializer, 404: ServiceErrorSerializer},
    )
    def retrieve(self, request, request_id: str):
        try:
            reference = uuid.UUID(request_id)
        except ValueError:
            reference = None
        public_status = (
            onboarding_request_public_status(request_id=reference) if reference else None
        )
        if public_status is None:
            raise NotFound(_("No onboarding request has this reference."), code="not_found")
        return Response({"request_id": reference, "status": public_status})


# --- organization users (SPEC §8, §11: partner admins, their own organization only) -----------


class IsPartnerAdmin(BasePermission):
    """A signed-in admin of an organization, as the channel copy says now."""

    message = _("Only an admin of your organization can manage its users.")

    def has_permission(self, request, view) -> bool:
        member = request_partner(request)
        return member is not None and member.is_admin


_account_number = OpenApiParameter("account_number", OpenApiTypes.STR, OpenApiParameter.PATH)


class OrganizationUserViewSet(viewsets.ViewSet):
    """The users of the caller's organization; changes reach HQ through the jobs (SPEC §6).

    An add or an edit answers 202 and shows as pending until HQ has applied it; a removal
    takes effect on the site at once.
    """

    permission_classes = [IsAuthenticated, IsPartnerAdmin]
    lookup_field = "account_number"
    lookup_value_regex = "[^/]+"

    def _hierarchy_id(self) -> str:
        member = request_partner(self.request)
        assert member is not None  # IsPartnerAdmin let the request in
        return member.hierarchy_id

    @staticmethod
    def _accepted(request: PartnerUserRequest, status_: str) -> Response:
        body = {"request_id": request.request_id, "action": request.action, "status": status_}
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: OrganizationUserSerializer(many=True)})
    def list(self, request):
        users = organization_users(hierarchy_id=self._hierarchy_id())
        return Response(OrganizationUserSerializer(users, many=True).data)

    @extend_schema(
        parameters=[_account_number],
        responses={200: OrganizationUserSerializer, 404: ServiceErrorSerializer},
    )
    def retrieve(self, request, account_number: str):
        user = next(
            (
                user
                for user in organization_users(hierarchy_id=self._hierarchy_id())
                if user.account_number == account_number
            ),
            None,
        )
        if user is None:
            raise NotFound(_("Your organization has no such user."), code="not_found")
        return Response(OrganizationUserSerializer(user).data)

    @extend_schema(
        request=OrganizationUserAddSerializer,
        responses={
            202: PartnerUserRequestAcceptedSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors."),
        },
    )
    def create(self, request):
        serializer = OrganizationUserAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {
            "language": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            "spending_limit": None,
            **serializer.validated_data,
        }
        added = partner_user_request_add(user=request.user, values=values)
        return self._accepted(added, "pending")

    @extend_schema(
        parameters=[_account_number],
        request=OrganizationUserChangeSerializer,
        responses={
            202: PartnerUserRequestAcceptedSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors."),
            404: ServiceErrorSerializer,
            409: OpenApiResponse(ServiceErrorSerializer, description="The last admin."),
        },
    )
    def partial_update(self, request, account_number: str):
        serializer = OrganizationUserChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changed = partner_user_request_change(
            user=request.user, account_number=account_number, values=serializer.validated_data
        )
        return self._accepted(changed, "pending")

    @extend_schema(
        parameters=[_account_number],
        responses={
            202: PartnerUserRequestAcceptedSerializer,
            404: ServiceErrorSerializer,
            409: OpenApiResponse(ServiceErrorSerializer, description="The last admin."),
        },
    )
    def destroy(self, request, account_number: str):
        removed = partner_user_request_remove(user=request.user, account_number=account_number)
        return self._accepted(removed, "removed")
