"""Removing a hierarchy member: the transition log, the audit and the last-admin rule."""

import pytest

from commerce.models import TransitionLog
from commerce.services import hierarchy_member_remove
from core.errors import NotAllowed, NotFound
from tests.commerce.members.support import _audit
from tests.factories import HierarchyMemberFactory

pytestmark = pytest.mark.django_db(databases="__all__")


# --- remove -----------------------------------------------------------------------------------


def test_remove_logs_the_transition_and_the_audit(admin):
    user = HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user")

    hierarchy_member_remove(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=user.customer.account_number,
        actor="anna.backoffice",
        reason="Left the company",
    )

    user.refresh_from_db()
    assert user.status == "removed"
    log = TransitionLog.objects.get(object_key=user.transition_key)
    assert (log.transition, log.actor, log.reason) == (
        "remove",
        "anna.backoffice",
        "Left the company",
    )
    assert _audit(user.transition_key) == {"status": ("active", "removed", "anna.backoffice")}


def test_removing_the_last_admin_is_refused(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user")

    with pytest.raises(NotAllowed) as refused:
        hierarchy_member_remove(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
        )

    assert refused.value.code == "last_admin"
    admin.refresh_from_db()
    assert admin.status == "active"
    assert not TransitionLog.objects.exists()


def test_an_admin_can_be_removed_while_another_admin_remains(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="admin")

    member = hierarchy_member_remove(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=admin.customer.account_number,
        actor="anna.backoffice",
    )

    assert member.status == "removed"


def test_removing_twice_is_not_found(admin):
    user = HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user", status="removed")

    with pytest.raises(NotFound):
        hierarchy_member_remove(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=user.customer.account_number,
            actor="anna.backoffice",
        )
