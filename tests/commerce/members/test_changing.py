"""Changing a hierarchy member: names, role and limit, the audit and the last-admin rule."""

from decimal import Decimal

import pytest

from commerce.models import AuditEntry
from commerce.services import hierarchy_member_change
from core.errors import NotAllowed, NotFound, ServiceError
from tests.commerce.members.support import _audit
from tests.factories import HierarchyMemberFactory

pytestmark = pytest.mark.django_db(databases="__all__")


# --- change -----------------------------------------------------------------------------------


def test_change_names_role_and_limit_is_audited(admin):
    user = HierarchyMemberFactory(
        hierarchy=admin.hierarchy, role="user", spending_limit=Decimal("100.00")
    )
    old_last_name = user.customer.last_name

    hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=user.customer.account_number,
        actor="anna.backoffice",
        values={
            "first_name": "Žofie",
            "last_name": "Kůňová",
            "role": "admin",
            "spending_limit": None,
        },
    )

    user.refresh_from_db()
    user.customer.refresh_from_db()
    assert (user.role, user.spending_limit) == ("admin", None)
    assert user.customer.name == "Žofie Kůňová"
    assert _audit(user.transition_key) == {
        "role": ("user", "admin", "anna.backoffice"),
        "spending_limit": ("100.00", "", "anna.backoffice"),
    }
    assert _audit(user.customer.account_number) == {
        "first_name": ("Jiří", "Žofie", "anna.backoffice"),
        "last_name": (old_last_name, "Kůňová", "anna.backoffice"),
    }


def test_change_without_a_difference_writes_no_audit(admin):
    hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=admin.customer.account_number,
        actor="anna.backoffice",
        values={"role": "admin", "first_name": admin.customer.first_name},
    )

    assert not AuditEntry.objects.exists()


def test_a_limit_change_leaves_a_name_from_sales_as_it_is(admin):
    user = HierarchyMemberFactory(
        hierarchy=admin.hierarchy, role="user", customer__name="Ing. Jiří Dvořák, Ph.D."
    )

    hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=user.customer.account_number,
        actor="anna.backoffice",
        values={"spending_limit": "99.90"},
    )

    user.refresh_from_db()
    user.customer.refresh_from_db()
    assert user.spending_limit == Decimal("99.90")
    assert user.customer.name == "Ing. Jiří Dvořák, Ph.D."


def test_demoting_the_last_admin_is_refused(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user")

    with pytest.raises(NotAllowed, match=r"last admin of Žluťoučký kůň s\.r\.o\.") as refused:
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
            values={"role": "user", "spending_limit": Decimal("5")},
        )

    assert refused.value.code == "last_admin"
    admin.refresh_from_db()
    assert (admin.role, admin.spending_limit) == ("admin", None)
    assert not AuditEntry.objects.exists()


def test_a_removed_admin_does_not_count_as_the_other_admin(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="admin", status="removed")

    with pytest.raises(NotAllowed):
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
            values={"role": "user"},
        )


def test_demoting_an_admin_is_allowed_while_a_pending_admin_remains(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="admin", status="pending")

    member = hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=admin.customer.account_number,
        actor="anna.backoffice",
        values={"role": "user"},
    )

    assert member.role == "user"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"email": "x@kun.cz"}, "unknown_fields"),
        ({"role": "owner"}, "invalid_role"),
        ({"spending_limit": Decimal("-1")}, "invalid_spending_limit"),
        ({"last_name": ""}, "invalid"),
    ],
)
def test_change_refuses_bad_values_and_changes_nothing(admin, values, code):
    before = (admin.role, admin.customer.last_name)

    with pytest.raises(ServiceError) as refused:
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
            values=values,
        )

    assert refused.value.code == code
    admin.refresh_from_db()
    admin.customer.refresh_from_db()
    assert (admin.role, admin.customer.last_name) == before
    assert not AuditEntry.objects.exists()


def test_change_of_someone_outside_the_hierarchy_is_not_found(admin):
    stranger = HierarchyMemberFactory()

    with pytest.raises(NotFound):
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=stranger.customer.account_number,
            actor="anna.backoffice",
            values={"role": "user"},
        )
