"""The OpenAPI schema generates without warnings and states what the API refuses (SPEC §10, §11).

Before: a clash of enum names ("State0ffEnum", from dual-write's `off` state) warned, and
`spending_limit` was documented as a decimal string whose pattern allowed a minus sign, while
the API refuses a negative limit.
"""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from commerce.channel.models import PartnerUserRequest
from tests.channel.portal_support import approved_organization, partner_login

SPENDING_LIMIT_INPUTS = (
    "HierarchyMemberAddRequest",
    "PatchedHierarchyMemberChangeRequest",
    "OrganizationUserAddRequest",
    "PatchedOrganizationUserChangeRequest",
)


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    # --fail-on-warn: any warning of the generator fails the command, hence this test.
    call_command("spectacular", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_the_schema_generates_without_warnings_and_names_every_enum(schema):
    enums = schema["components"]["schemas"]

    assert not [name for name in enums if any(character.isdigit() for character in name)]
    assert enums["MapStatusStateEnum"]["enum"] == [
        "not_running",
        "initializing",
        "running",
        "paused",
        "off",
    ]


@pytest.mark.parametrize("component", SPENDING_LIMIT_INPUTS)
def test_the_schema_says_a_spending_limit_is_zero_or_more(schema, component):
    field = schema["components"]["schemas"][component]["properties"]["spending_limit"]

    assert field["minimum"] == 0
    assert "exclusiveMinimum" not in field
    assert field["nullable"] is True


@pytest.mark.django_db(databases="__all__")
def test_the_api_refuses_the_negative_limit_the_schema_excludes_and_reads_a_string():
    organization = approved_organization()
    client = APIClient()
    client.force_authenticate(partner_login(organization.admin_email))
    new_user = {"first_name": "Jiří", "last_name": "Novák", "email": "jiri@kun.cz", "role": "user"}

    refused = client.post(
        "/api/channel/organization/users/", {**new_user, "spending_limit": -1}, format="json"
    )
    accepted = client.post(
        "/api/channel/organization/users/",
        {**new_user, "spending_limit": "2500.50"},
        format="json",
    )

    assert refused.status_code == 400 and "spending_limit" in refused.json()
    assert accepted.status_code == 202
    assert [str(r.spending_limit) for r in PartnerUserRequest.objects.all()] == ["2500.50"]
