"""HQ's logs: the state transitions of prospects and members, and the audit trail of changed
fields (SPEC §8)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from commerce.models import AuditEntry, TransitionLog
from consoles.hq import hq_site

from .base import CommerceRecordAdmin


@admin.register(TransitionLog, site=hq_site)
class TransitionLogAdmin(CommerceRecordAdmin):
    list_title = _("Transition log")
    list_display = (
        "created_at",
        "model",
        "object_key",
        "transition",
        "source_state",
        "target_state",
        "actor",
        "reason",
    )
    list_filter = ("model",)
    search_fields = ("object_key",)


@admin.register(AuditEntry, site=hq_site)
class AuditEntryAdmin(CommerceRecordAdmin):
    list_title = _("Audit trail")
    list_display = (
        "created_at",
        "actor",
        "model",
        "object_key",
        "field",
        "old_value",
        "new_value",
    )
    list_filter = ("model", "field")
    search_fields = ("object_key",)
