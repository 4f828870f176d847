"""API for partner admins: their own organization's users only (SPEC §10, §11)."""

import pytest
from rest_framework.test import APIClient

from commerce.channel.models import ChannelHierarchyMember, PartnerUserRequest
from commerce.jobs import job_execute
from commerce.services import hierarchy_member_add
from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES
from tests.factories import UserFactory

from .portal_support import approved_organization, partner_login, run_jobs

pytestmark = pytest.mark.django_db(databases="__all__")

API = "/api/channel/organization/users/"
NEW_USER = {
    "first_name": "Jiří",
    "last_name": "Žluťoučký",
    "email": "jiri@kun.cz",
    "role": "user",
    "spending_limit": "2500.50",
}


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _add_member(organization, email: str, role: str = "user") -> str:
    member = hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Ota",
        last_name="Pavel",
        email=email,
        role=role,
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")
    return member.customer.account_number


@pytest.fixture
def organization():
    return approved_organization(first_name="Zofia", last_name="Żółkiewska")


@pytest.fixture
def admin(organization):
    return _client(partner_login(organization.admin_email))


@pytest.fixture
def other_organization():
    """Organization B with its admin and a user, Ota Pavel: (organization, Ota's account)."""
    other = approved_organization(first_name="Bohumil", last_name="Hrabal")
    return other, _add_member(other, "ota@b.cz")


def test_an_admin_lists_the_organizations_users(admin, organization):
    response = admin.get(API)

    assert response.status_code == 200
    assert response.json() == [
        {
            "account_number": organization.admin_account,
            "first_name": "Zofia",
            "last_name": "Żółkiewska",
            "email": organization.admin_email,
            "role": "admin",
            "spending_limit": None,
            "monthly_spending_limit": None,
            "status": "active",
            "change_pending": False,
        }
    ]


def test_add_edit_and_remove_through_the_api_and_the_jobs(admin, organization):
    created = admin.post(API, NEW_USER, format="json")

    assert created.status_code == 202
    assert created.json()["action"] == "add" and created.json()["status"] == "pending"
    pending = [u for u in admin.get(API).json() if u["email"] == "jiri@kun.cz"]
    assert pending == [
        {
            "account_number": None,
            "first_name": "Jiří",
            "last_name": "Žluťoučký",
            "email": "jiri@kun.cz",
            "role": "user",
            "spending_limit": "2500.50",
            "monthly_spending_limit": None,
            "status": "pending",
            "change_pending": False,
        }
    ]
    assert PartnerUserRequest.objects.get().language == "en"
    run_jobs()
    (added,) = [u for u in admin.get(API).json() if u["email"] == "jiri@kun.cz"]
    assert added["status"] == "active" and added["account_number"]
    detail = f"{API}{added['account_number']}/"
    assert admin.get(detail).json() == added

    changed = admin.patch(detail, {"spending_limit": "99.90"}, format="json")
    assert changed.status_code == 202
    assert admin.get(detail).json()["change_pending"] is True
    run_jobs()
    assert admin.get(detail).json()["spending_limit"] == "99.90"
    assert admin.get(detail).json()["first_name"] == "Jiří"

    removed = admin.delete(detail)
    assert removed.status_code == 202 and removed.json()["status"] == "removed"
    assert admin.get(detail).status_code == 404
    assert not ChannelHierarchyMember.objects.get(customer_id=added["account_number"]).has_access


def test_an_added_user_is_a_user_in_the_request_language_unless_told(admin):
    values = {key: value for key, value in NEW_USER.items() if key != "role"}

    assert admin.post(API, values, format="json", HTTP_ACCEPT_LANGUAGE="pl").status_code == 202

    request = PartnerUserRequest.objects.get()
    assert (request.role, request.language) == ("user", "pl")


def test_field_errors_come_back_as_json_and_change_nothing(admin, organization):
    response = admin.post(
        API,
        {**NEW_USER, "email": "nope", "spending_limit": "-5", "role": "owner", "first_name": ""},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"email", "spending_limit", "role", "first_name"}
    duplicate = admin.post(API, {**NEW_USER, "email": organization.admin_email}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json() == {
        "email": ["A user with this email address already exists on the B2B site."]
    }
    assert not PartnerUserRequest.objects.exists()


def test_the_last_admin_is_refused_with_409(admin, organization):
    own = f"{API}{organization.admin_account}/"

    for response in (admin.patch(own, {"role": "user"}, format="json"), admin.delete(own)):
        assert response.status_code == 409
        assert response.json()["code"] == "last_admin"
    assert not PartnerUserRequest.objects.exists()


def test_another_organizations_users_are_never_reached(admin, other_organization):
    other, ota = other_organization
    detail = f"{API}{ota}/"

    responses = [
        admin.get(detail),
        admin.patch(detail, {"first_name": "Hacked"}, format="json"),
        admin.delete(detail),
        admin.get(f"{API}{other.admin_account}/"),
    ]

    for response in responses:
        assert response.status_code == 404
        body = response.content.decode()
        assert "Ota" not in body and "Bohumil" not in body and "ota@b.cz" not in body
    listed = admin.get(API).content.decode()
    assert "ota@b.cz" not in listed and "Bohumil" not in listed
    assert not PartnerUserRequest.objects.exists()
    assert ChannelHierarchyMember.objects.get(customer_id=ota).has_access


@pytest.mark.parametrize("who", ["anonymous", "partner user", "sales rep", "back office"])
def test_only_partner_admins_may_use_it(organization, who):
    user = {
        "anonymous": None,
        "partner user": lambda: partner_login("ota@a.cz"),
        "sales rep": lambda: UserFactory(groups=[SALES_REPRESENTATIVES]),
        "back office": lambda: UserFactory(groups=[COMMERCE_BACK_OFFICE]),
    }[who]
    if who == "partner user":
        _add_member(organization, "ota@a.cz")
    client = _client(user()) if user else APIClient()
    detail = f"{API}{organization.admin_account}/"

    responses = [
        client.get(API),
        client.post(API, NEW_USER, format="json"),
        client.patch(detail, {"first_name": "X"}, format="json"),
        client.delete(detail),
    ]

    for response in responses:
        assert response.status_code in (401, 403), who
        assert "Żółkiewska" not in response.content.decode()
    assert not PartnerUserRequest.objects.exists()


def test_a_removed_admins_token_stops_working_at_once(organization):
    second = _add_member(organization, "ota@a.cz", role="admin")
    user = partner_login("ota@a.cz")
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=user)
    client = APIClient(headers={"authorization": f"Token {token.key}"})
    assert client.get(API).status_code == 200

    _client(partner_login(organization.admin_email)).delete(f"{API}{second}/")

    response = client.get(API)
    assert response.status_code in (401, 403)
    assert "Żółkiewska" not in response.content.decode()
