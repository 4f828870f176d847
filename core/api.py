"""API plumbing shared by every system: error format, error handlers and group permissions."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ErrorDetail, ParseError, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .access import (
    COMMERCE_BACK_OFFICE,
    INTEGRATION_ADMINISTRATORS,
    SALES_REPRESENTATIVES,
    user_in_groups,
)
from .errors import ServiceError


def query_filters(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """Validated query parameters; a bad value answers 400 with the field's error."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ServiceErrorSerializer(serializers.Serializer):
    """The body of a refused request (exception_handler below)."""

    detail = serializers.CharField()
    code = serializers.CharField()


def exception_handler(exc, context):
    """Service refusals become JSON with a message; Django validation errors field errors."""
    if isinstance(exc, ServiceError):
        body = {"detail": str(exc.message), "code": exc.code, **exc.details}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    # DRF's own refusals (not found, not allowed, throttled…) get the services' {detail, code}.
    if (
        response is not None
        and isinstance(response.data, dict)
        and set(response.data) == {"detail"}
    ):
        detail = response.data["detail"]
        if isinstance(detail, ErrorDetail):
            response.data = {"detail": detail, "code": detail.code}
    return response


# Django's error handlers (config/urls.py): under /api/ the API's {detail, code} JSON, elsewhere
# the site's branded page in the visitor's language (the language middleware has already run).


def _error(request, status_code: int, detail: str, code: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "code": code}, status=status_code)
    # Rendered without the request (no context processors, no session or database): the error
    # may come from any of them.
    page = loader.render_to_string(f"{status_code}.html", {"store_name": settings.STORE_NAME})
    return HttpResponse(page, status=status_code)


def bad_request(request, exception):
    return _error(request, 400, str(ParseError.default_detail), ParseError.default_code)


def permission_denied(request, exception):
    return _error(request, 403, str(PermissionDenied.default_detail), PermissionDenied.default_code)


def not_found(request, exception):
    """The 404 of a URL no route matches (or of a view that raised Http404)."""
    return _error(request, 404, _("Not found."), "not_found")


def server_error(request):
    """An unexpected exception outside DRF's views (DRF's own are core.api_guards')."""
    detail = _("A server error occurred. Please try again later.")
    return _error(request, 500, detail, "server_error")


_REFUSAL_SCHEMA = {
    "type": "object",
    "description": "A refused request; nothing was changed (see exception_handler).",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}


def _refusal(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the refusals it can give.

    A path parameter can name nothing (404), parameters and bodies can be invalid (400) or
    unreadable (415), and an endpoint that needs a signed-in user refuses others (403). Views
    document more where they say more; what they leave out is added here, in the body that
    exception_handler writes.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Refusal"] = _REFUSAL_SCHEMA
    refusal = {"$ref": "#/components/schemas/Refusal"}
    for operations in result["paths"].values():
        for operation in operations.values():
            locations = {parameter["in"] for parameter in operation.get("parameters", [])}
            refusals = {}
            if "path" in locations:
                refusals["404"] = _refusal("Not found.", refusal)
            if "query" in locations or "requestBody" in operation:
                refusals["400"] = _refusal("Field errors.", {"type": "object"})
            if "requestBody" in operation:
                refusals["415"] = _refusal("A body the API cannot read.", refusal)
            if {} not in operation.get("security", [{}]):
                refusals["403"] = _refusal("Not signed in, or not allowed.", refusal)
            for code, response in refusals.items():
                operation["responses"].setdefault(code, response)
    return result


class _InGroups(permissions.BasePermission):
    groups: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        return user_in_groups(request.user, *self.groups)


class IsCommerceBackOffice(_InGroups):
    groups = (COMMERCE_BACK_OFFICE,)


class IsSalesRepresentative(_InGroups):
    groups = (SALES_REPRESENTATIVES,)


class IsIntegrationAdministrator(_InGroups):
    groups = (INTEGRATION_ADMINISTRATORS,)
