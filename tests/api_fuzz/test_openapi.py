"""Every endpoint of /api/schema/, fuzzed in process by schemathesis (SPEC §10, §11).

With a superuser's token, whatever schemathesis sends, valid or not, must never give a server
error, and every answer must be a status code the schema documents, with a body and content type
that match the schema.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Loaded while the tests are collected (the schema view needs no database), so that each
# operation is a test of its own.
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(autouse=True)
def _test_transaction_kept_open():
    """As in Django's test client: a request's end must not close the test's transaction.

    Schemathesis calls the WSGI application itself, whose request signals would otherwise
    close the connection holding the test's (uncommitted) data.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(settings) -> str:
    # Sign-ups must be stored, not stopped by the per-client rate limit, to exercise the API.
    settings.SIGNUP_RATE_LIMIT = "100000/s"
    admin = UserFactory(username="api.admin", is_superuser=True)
    return Token.objects.create(user=admin).key


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@settings(
    # A longer hunt: API_FUZZ_EXAMPLES=500 make test (the default keeps the suite quick).
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "20")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_api_answers_as_its_schema_says(operation, data, token):
    mode = data.draw(st.sampled_from(GenerationMode), label="mode")
    case = data.draw(operation.as_strategy(generation_mode=mode), label="case")
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=CHECKS,
        # Every WSGI server names the client's address; the sign-up rate limit is keyed on it.
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
