"""Helpers the hierarchy member tests share."""

from decimal import Decimal

from commerce.models import AuditEntry, Customer, EmailNotification, HierarchyMember, Invitation
from commerce.services import hierarchy_member_add


def _add(hierarchy_id: str, **overrides) -> HierarchyMember:
    values = {
        "first_name": "Łucja",
        "last_name": "Żółkiewska",
        "email": "lucja@lodz.pl",
        "role": "user",
        "spending_limit": Decimal("1500.50"),
        "language": "pl",
        "actor": "anna.backoffice",
    }
    return hierarchy_member_add(hierarchy_id=hierarchy_id, **{**values, **overrides})


def _snapshot() -> tuple:
    """Row counts of everything a member service may write."""
    return tuple(
        model.objects.using("commerce").count()
        for model in (Customer, HierarchyMember, Invitation, EmailNotification, AuditEntry)
    )


def _audit(key: str) -> dict[str, tuple[str, str, str]]:
    return {
        entry.field: (entry.old_value, entry.new_value, entry.actor)
        for entry in AuditEntry.objects.filter(object_key=key)
    }
