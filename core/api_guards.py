"""Guards that keep any API input a 4xx (SPEC §11): bounded bodies, bounded pages, JSON 500s.

- `JSONParser` refuses bodies over the size limit and JSON nested deeper than `MAX_JSON_DEPTH`
  before decoding (Python's decoder recurses and a 2 KB body of brackets raised RecursionError);
  `FormParser` keeps the same size limit for url-encoded bodies.
- `LimitOffsetPagination` answers `limit`/`offset` values that are not integers, negative, or
  absurdly large with a field error instead of handing them to the database.
- `exception_handler` answers what the services' handler leaves over with JSON: a body Django
  found suspicious is a 400, anything unexpected a 500 — logged and signalled as Django does.
"""

import codecs
import json
import re
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.signals import got_request_exception
from django.http import QueryDict
from django.utils.log import log_response
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, parsers, serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.utils.json import strict_constant

from .errors import ServiceError

MAX_JSON_DEPTH = 32
DEFAULT_MAX_BODY_SIZE = 1024 * 1024


def max_body_size() -> int:
    """Django's DATA_UPLOAD_MAX_MEMORY_SIZE when the project sets one, else 1 MB."""
    configured = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
    if configured is not None and cast(Any, settings).is_overridden("DATA_UPLOAD_MAX_MEMORY_SIZE"):
        return configured
    return DEFAULT_MAX_BODY_SIZE


class BodyTooLarge(ParseError):
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class BodyTooDeep(ParseError):
    default_detail = _("The JSON body is nested too deeply.")
    default_code = "too_deep"


def _read_bounded(stream) -> bytes:
    limit = max_body_size()
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge()
    return body


# A JSON string, escapes included (unrolled so that long strings do not backtrack).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_exceeds(text: str, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """True when the arrays and objects in `text` nest deeper than `max_depth`.

    Brackets inside strings do not count; for malformed text the answer may be either, and the
    decoder refuses it anyway.
    """
    depth = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a body size and a nesting depth limit (400 with a message)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        body = _read_bounded(stream)
        try:
            text = codecs.decode(body, encoding)
        except (LookupError, ValueError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_depth_exceeds(text):
            raise BodyTooDeep()
        parse_constant = strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:
            raise BodyTooDeep() from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc


class FormParser(parsers.FormParser):
    """DRF's url-encoded form parser with the same body size limit."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        return QueryDict(_read_bounded(stream), encoding=encoding)


# Offsets beyond this are refused: together with the limit they must fit a 64-bit integer.
MAX_OFFSET = 1_000_000_000


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Limit and offset are validated like any field: a bad value is a 400, never a 500."""

    max_limit = 500

    def _query_integer(self, request, name: str, field: serializers.IntegerField) -> int | None:
        raw = request.query_params.get(name, "")
        if raw == "":
            return None
        try:
            return field.run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({name: exc.detail}) from exc

    def get_limit(self, request):
        if not self.limit_query_param:
            return self.default_limit
        field = serializers.IntegerField(min_value=1, max_value=self.max_limit)
        limit = self._query_integer(request, self.limit_query_param, field)
        return self.default_limit if limit is None else limit

    def get_offset(self, request):
        field = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
        return self._query_integer(request, self.offset_query_param, field) or 0

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The services' handler first; what it leaves over is still JSON (only API views use this)."""
    # Imported here: importing rest_framework.views loads DEFAULT_PARSER_CLASSES (this module),
    # so at the top they made a cycle whenever this module was imported first (`check`).
    from rest_framework.views import set_rollback

    from .api import exception_handler as services_exception_handler

    response = services_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, SuspiciousOperation):
        # Django's own limits on multipart bodies, or a request it finds suspicious: a 400.
        too_large = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
        if isinstance(exc, too_large):
            body = {"detail": str(BodyTooLarge.default_detail), "code": BodyTooLarge.default_code}
        else:
            body = {"detail": str(ServiceError.default_message), "code": "invalid"}
        set_rollback()
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    set_rollback()
    # As Django does for an uncaught exception: error reporting (and the test client) hear it.
    got_request_exception.send(sender=None, request=django_request)
    detail = str(_("A server error occurred. Please try again later."))
    response = Response(
        {"detail": detail, "code": "server_error"}, status=status.HTTP_500_INTERNAL_SERVER_ERROR
    )
    if django_request is not None:
        log_response(
            "Internal Server Error: %s",
            django_request.path,
            response=response,
            request=django_request,
            exception=exc,
        )
    return response
