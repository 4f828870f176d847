"""Public API of the B2B site (SPEC §10): send an onboarding request, follow its status."""

import uuid

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from commerce.serializers import ServiceErrorSerializer
from core.errors import NotFound

from .selectors import onboarding_request_public_status
from .serializers import (
    OnboardingRequestCreatedSerializer,
    OnboardingRequestSerializer,
    OnboardingRequestStatusSerializer,
)
from .services import onboarding_request_create

SIGN_UP_RATE_LIMIT_GROUP = "channel.onboarding_request_api"


class SignUpRateLimited(Throttled):
    default_detail = _(
        "We received too many sign-up requests from your network in a short time. "
        "Nothing was sent this time; please wait a little and try again."
    )


def _sign_up_rate_limit(request) -> None:
    usage = get_usage(
        request,
        group=SIGN_UP_RATE_LIMIT_GROUP,
        key="ip",
        rate=settings.SIGNUP_RATE_LIMIT,
        method="POST",
        increment=True,
    )
    if usage and usage["should_limit"]:
        raise SignUpRateLimited(wait=max(usage["time_left"], 1))


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
                ServiceErrorSerializer,
                description="An open request for this email exists; nothing was stored.",
            ),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors."),
            429: OpenApiResponse(
                inline_serializer("RateLimited", {"detail": serializers.CharField()}),
                description="Too many sign-ups from this client; see the Retry-After header.",
            ),
        },
    )
    def create(self, request):
        _sign_up_rate_limit(request)
        serializer = OnboardingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("terms_accepted")
        language = values.pop("language", None) or getattr(
            request, "LANGUAGE_CODE", settings.LANGUAGE_CODE
        )
        result = onboarding_request_create(values=values, language=language)
        if not result.created or result.request is None:
            return Response(
                {
                    "detail": _(
                        "We already have an open request for this email address; we'll be in "
                        "touch. There is no need to send it again."
                    ),
                    "code": "open_request_exists",
                },
                status=status.HTTP_200_OK,
            )
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
