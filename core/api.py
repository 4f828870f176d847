"""API plumbing shared by every system: error format and group permissions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .access import (
    COMMERCE_BACK_OFFICE,
    INTEGRATION_ADMINISTRATORS,
    SALES_REPRESENTATIVES,
    user_in_groups,
)
from .errors import ServiceError


def exception_handler(exc, context):
    """Service refusals become JSON with a message; Django validation errors field errors."""
    if isinstance(exc, ServiceError):
        body = {"detail": str(exc.message), "code": exc.code, **exc.details}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


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
