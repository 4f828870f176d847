"""Two back-office users removing the two admins at once leave one admin (row lock, §8)."""

import threading

import pytest
from django.db import connections

from commerce.models import HierarchyMember
from commerce.services import hierarchy_member_remove
from core.errors import NotAllowed
from tests.factories import HierarchyMemberFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]


def test_concurrent_removals_of_the_two_admins_keep_one():
    first = HierarchyMemberFactory(role="admin")
    second = HierarchyMemberFactory(hierarchy=first.hierarchy, role="admin")
    start = threading.Barrier(2)
    removed: list[str] = []
    refused: list[NotAllowed] = []
    errors: list[BaseException] = []

    def remove(member: HierarchyMember) -> None:
        try:
            start.wait()
            hierarchy_member_remove(
                hierarchy_id=member.hierarchy.hierarchy_id,
                account_number=member.customer.account_number,
                actor="anna.backoffice",
            )
            removed.append(member.customer.account_number)
        except NotAllowed as exc:
            refused.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=remove, args=(member,)) for member in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(removed) == 1
    assert [exc.code for exc in refused] == ["last_admin"]
    remaining = HierarchyMember.objects.using("commerce").exclude(status="removed")
    assert list(remaining.values_list("role", flat=True)) == ["admin"]
