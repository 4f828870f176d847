"""Back-office API for hierarchy members, credit limits and the audit trail (issue 4, item 7)."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commerce.models import AuditEntry, EmailNotification, HierarchyMember
from tests.factories import CustomerFactory, HierarchyMemberFactory, PersonCustomerFactory

pytestmark = pytest.mark.django_db(databases="__all__")

API = "/api/commerce"


@pytest.fixture
def admin_member():
    """The only admin of a Czech organization's hierarchy."""
    return HierarchyMemberFactory(
        hierarchy__organization__name="Žluťoučký kůň s.r.o.",
        customer__first_name="Jiří",
        customer__last_name="Kůň",
        customer__name="Jiří Kůň",
    )


def _members_url(member: HierarchyMember) -> str:
    return f"{API}/customer-hierarchies/{member.hierarchy.hierarchy_id}/members/"


def _member_url(member: HierarchyMember) -> str:
    return f"{_members_url(member)}{member.customer.account_number}/"


def _credit_url(customer) -> str:
    return f"{API}/customers/{customer.account_number}/credit-limit/"


NEW_USER = {
    "first_name": "Łucja",
    "last_name": "Żółkiewska-Łódź",
    "email": "lucja@lodz.pl",
    "role": "user",
    "spending_limit": "1500.50",
    "language": "pl",
}


# --- who may call -----------------------------------------------------------------------------


@pytest.fixture
def endpoints(admin_member):
    organization = admin_member.hierarchy.organization
    return [
        ("get", _members_url(admin_member), None),
        ("post", _members_url(admin_member), NEW_USER),
        ("get", _member_url(admin_member), None),
        ("patch", _member_url(admin_member), {"role": "user"}),
        ("delete", _member_url(admin_member), None),
        ("get", _credit_url(organization), None),
        ("patch", _credit_url(organization), {"credit_limit": "99"}),
        ("get", f"{API}/audit/?key={organization.account_number}", None),
    ]


@pytest.mark.parametrize("caller", ["anonymous_client", "sales_rep_client"])
def test_only_the_back_office_may_call_and_nothing_leaks(request, caller, endpoints, admin_member):
    client = request.getfixturevalue(caller)

    responses = [
        getattr(client, method)(url, data, format="json") for method, url, data in endpoints
    ]

    assert [response.status_code for response in responses] == [403] * len(endpoints)
    for response in responses:
        body = response.content.decode()
        assert "Kůň" not in body and "Łucja" not in body
    admin_member.refresh_from_db()
    admin_member.hierarchy.organization.refresh_from_db()
    assert (admin_member.role, admin_member.status) == ("admin", "active")
    assert admin_member.hierarchy.organization.credit_limit == 0
    assert HierarchyMember.objects.using("commerce").count() == 1
    assert not AuditEntry.objects.using("commerce").exists()


def test_a_token_of_a_back_office_user_is_accepted(back_office_user, admin_member):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=back_office_user)}")

    response = client.get(_members_url(admin_member))

    assert [row["name"] for row in response.json()["results"]] == ["Jiří Kůň"]


# --- members ----------------------------------------------------------------------------------


def test_list_shows_members_with_role_limit_and_status_in_unicode(back_office_client, admin_member):
    HierarchyMemberFactory(
        hierarchy=admin_member.hierarchy,
        role="user",
        status="removed",
        spending_limit=Decimal("20.00"),
        customer__first_name="Žofie",
    )
    HierarchyMemberFactory(role="user")  # another organization's user

    response = back_office_client.get(_members_url(admin_member))

    rows = response.json()["results"]
    assert [
        (row["first_name"], row["role"], row["spending_limit"], row["status"]) for row in rows
    ] == [
        ("Jiří", "admin", None, "active"),
        ("Žofie", "user", "20.00", "removed"),
    ]
    assert "Jiří Kůň".encode() in response.content


def test_members_of_an_unknown_hierarchy_are_not_found(back_office_client):
    response = back_office_client.get(f"{API}/customer-hierarchies/H-404404/members/")

    assert response.status_code == 404
    assert response.json()["detail"] == "Customer hierarchy H-404404 does not exist."


def test_add_creates_a_pending_member_and_queues_the_invitation(back_office_client, admin_member):
    response = back_office_client.post(_members_url(admin_member), NEW_USER, format="json")

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("first_name", "last_name", "email", "role", "status")} == {
        "first_name": "Łucja",
        "last_name": "Żółkiewska-Łódź",
        "email": "lucja@lodz.pl",
        "role": "user",
        "status": "pending",
    }
    assert body["spending_limit"] == "1500.50"
    member = HierarchyMember.objects.using("commerce").get(
        customer__account_number=body["account_number"]
    )
    assert member.customer.last_name == "Żółkiewska-Łódź"
    assert member.hierarchy == admin_member.hierarchy
    email = EmailNotification.objects.using("commerce").get(recipient="lucja@lodz.pl")
    assert (email.type, email.language) == ("partner_user_invited", "pl")
    assert (
        AuditEntry.objects.using("commerce")
        .get(object_key=member.transition_key, field="role")
        .actor
        == "anna.backoffice"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"last_name": "Tab\there"}, "last_name"),
        ({"first_name": "Ł" * 81}, "first_name"),
        ({"email": "not-an-email"}, "email"),
        ({"role": "owner"}, "role"),
        ({"spending_limit": "-1"}, "spending_limit"),
        ({"spending_limit": "1000000000000"}, "spending_limit"),
        ({"spending_limit": "1.001"}, "spending_limit"),
        ({"language": "de"}, "language"),
    ],
)
def test_add_answers_field_errors_and_changes_nothing(
    back_office_client, admin_member, change, field
):
    response = back_office_client.post(
        _members_url(admin_member), {**NEW_USER, **change}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert HierarchyMember.objects.using("commerce").count() == 1
    assert not EmailNotification.objects.using("commerce").exists()


def test_add_of_a_duplicate_email_is_a_conflict(back_office_client, admin_member):
    response = back_office_client.post(
        _members_url(admin_member),
        {**NEW_USER, "email": admin_member.customer.email.upper()},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_email"
    assert "is already a user of Žluťoučký kůň s.r.o." in response.json()["detail"]
    assert HierarchyMember.objects.using("commerce").count() == 1


def test_add_without_a_spending_limit_or_language_gives_no_limit_and_english(
    back_office_client, admin_member
):
    values = {key: NEW_USER[key] for key in ("first_name", "last_name", "email", "role")}

    response = back_office_client.post(_members_url(admin_member), values, format="json")

    assert response.status_code == 201
    assert (response.json()["spending_limit"], response.json()["language"]) == (None, "en")
    email = EmailNotification.objects.using("commerce").get(recipient="lucja@lodz.pl")
    assert email.language == "en"


def test_add_to_an_unknown_hierarchy_is_not_found(back_office_client):
    response = back_office_client.post(
        f"{API}/customer-hierarchies/H-404404/members/", NEW_USER, format="json"
    )

    assert response.status_code == 404
    assert not HierarchyMember.objects.using("commerce").exists()


def test_patch_changes_only_the_given_fields_and_audits_them(back_office_client, admin_member):
    user = HierarchyMemberFactory(
        hierarchy=admin_member.hierarchy, role="user", spending_limit=Decimal("10.00")
    )

    response = back_office_client.patch(
        _member_url(user), {"spending_limit": None, "last_name": "Dvořák-Łódź"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["spending_limit"], response.json()["role"]) == (None, "user")
    user.refresh_from_db()
    user.customer.refresh_from_db()
    assert (user.spending_limit, user.customer.last_name) == (None, "Dvořák-Łódź")
    changed = set(AuditEntry.objects.using("commerce").values_list("field", "new_value"))
    assert changed == {("spending_limit", ""), ("last_name", "Dvořák-Łódź")}


def test_patch_demoting_the_last_admin_is_a_conflict(back_office_client, admin_member):
    response = back_office_client.patch(_member_url(admin_member), {"role": "user"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Jiří Kůň is the last admin of Žluťoučký kůň s.r.o.; "
        "make another user an admin first.",
        "code": "last_admin",
    }
    admin_member.refresh_from_db()
    assert admin_member.role == "admin"


def test_patch_with_a_bad_value_is_a_field_error(back_office_client, admin_member):
    response = back_office_client.patch(
        _member_url(admin_member), {"spending_limit": "lots"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["spending_limit"]


def test_delete_removes_the_member(back_office_client, admin_member):
    user = HierarchyMemberFactory(hierarchy=admin_member.hierarchy, role="user")

    response = back_office_client.delete(_member_url(user), {"reason": "Odešel"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "removed"
    user.refresh_from_db()
    assert user.status == "removed"
    again = back_office_client.delete(_member_url(user))
    assert again.status_code == 404


def test_delete_of_the_last_admin_is_a_conflict(back_office_client, admin_member):
    response = back_office_client.delete(_member_url(admin_member))

    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    admin_member.refresh_from_db()
    assert admin_member.status == "active"


# --- credit limits ----------------------------------------------------------------------------


def test_credit_limit_is_read_and_changed_field_by_field(back_office_client):
    organization = CustomerFactory(
        credit_limit=Decimal("1000"), currency="CZK", balance=Decimal("300.25")
    )

    before = back_office_client.get(_credit_url(organization))
    response = back_office_client.patch(
        _credit_url(organization), {"credit_limit_type": "balance"}, format="json"
    )

    assert before.json() == {
        "account_number": organization.account_number,
        "credit_limit": "1000.00",
        "currency": "CZK",
        "credit_limit_type": "none",
        "balance": "300.25",
        "available_credit": None,
    }
    assert response.status_code == 200
    assert response.json()["available_credit"] == "699.75"
    organization.refresh_from_db()
    assert (organization.credit_limit, organization.currency) == (Decimal("1000.00"), "CZK")
    assert list(
        AuditEntry.objects.using("commerce").values_list("field", "old_value", "new_value")
    ) == [("credit_limit_type", "none", "balance")]
    customer = back_office_client.get(f"{API}/customers/{organization.account_number}/").json()
    assert (customer["credit_limit_type"], customer["available_credit"]) == ("balance", "699.75")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credit_limit": "-5"}, "credit_limit"),
        ({"credit_limit": "1000000000000"}, "credit_limit"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "eu1"}, "currency"),
        ({"credit_limit_type": "orders"}, "credit_limit_type"),
    ],
)
def test_credit_limit_field_errors_change_nothing(back_office_client, change, field):
    organization = CustomerFactory()

    response = back_office_client.patch(_credit_url(organization), change, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    organization.refresh_from_db()
    assert (organization.credit_limit, organization.currency) == (Decimal("0"), "EUR")


def test_a_person_or_unknown_customer_has_no_credit_limit(back_office_client):
    person = PersonCustomerFactory()

    for url in (_credit_url(person), f"{API}/customers/C-404404/credit-limit/"):
        response = back_office_client.patch(url, {"credit_limit": "5"}, format="json")
        assert response.status_code == 404
        assert "There is no organization customer" in response.json()["detail"]
    assert not AuditEntry.objects.using("commerce").exists()


# --- audit ------------------------------------------------------------------------------------


def test_audit_by_key_lists_the_record_and_its_memberships(back_office_client, admin_member):
    other = HierarchyMemberFactory(role="user")
    for member in (admin_member, other):
        back_office_client.patch(_member_url(member), {"spending_limit": "5"}, format="json")

    by_hierarchy = back_office_client.get(
        f"{API}/audit/", {"key": admin_member.hierarchy.hierarchy_id}
    )
    by_person = back_office_client.get(
        f"{API}/audit/", {"key": admin_member.customer.account_number}
    )
    everything = back_office_client.get(f"{API}/audit/")

    (row,) = by_hierarchy.json()["results"]
    assert row.pop("created_at")
    assert row == {
        "actor": "anna.backoffice",
        "model": "commerce.hierarchymember",
        "object_key": admin_member.transition_key,
        "field": "spending_limit",
        "old_value": "",
        "new_value": "5.00",
    }
    assert [row["object_key"] for row in by_person.json()["results"]] == [
        admin_member.transition_key
    ]
    assert everything.json()["count"] == 2


def test_audit_key_with_control_characters_is_a_field_error(back_office_client):
    response = back_office_client.get(f"{API}/audit/", {"key": "C-1\x07/H-1"})

    assert response.status_code == 400
    assert list(response.json()) == ["key"]


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/prospects/PR%00/",
        f"{API}/customer-hierarchies/H%00/members/",
        f"{API}/customer-hierarchies/H-1/members/C%1F/",
        f"{API}/customers/C%00/credit-limit/",
    ],
)
def test_a_control_character_in_a_key_is_not_found(back_office_client, url):
    # PostgreSQL refuses NUL in a query; such a key must never reach the database.
    assert back_office_client.get(url).status_code == 404
    assert back_office_client.patch(url, {}, format="json").status_code == 404
