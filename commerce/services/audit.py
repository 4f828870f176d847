"""HQ's audit trail: who changed which field of which record, old → new (SPEC §10)."""

from django.db.models import Model

from commerce.models import AuditEntry

from .common import DB


def _audit_text(value) -> str:
    return "" if value is None else str(value)


def audit_entries_create(
    *, actor: str, record: Model, object_key: str, changes: dict[str, tuple]
) -> None:
    """Write one audit row per changed field (old → new, as text) in the caller's transaction."""
    AuditEntry.objects.using(DB).bulk_create(
        [
            AuditEntry(
                actor=actor,
                model=record._meta.label_lower,
                object_key=object_key,
                field=field,
                old_value=_audit_text(old),
                new_value=_audit_text(new),
            )
            for field, (old, new) in changes.items()
            if old != new
        ]
    )
