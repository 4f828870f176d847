"""HQ's logs: the state transitions of prospects and members, and the audit trail of changed
fields (SPEC §8). Rows keep the model's label, field and state codes; the lists show them in
the reader's words."""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from commerce.models import (
    AuditEntry,
    ChannelRequest,
    Customer,
    CustomerHierarchy,
    HierarchyMember,
    Prospect,
    SalesOrder,
    TransitionLog,
)
from consoles.hq import hq_site
from core.admin.display import shortened

from .base import DB, CommerceRecordAdmin, short_datetime

# The records whose transitions and field changes HQ logs.
LOGGED_MODELS = (
    Prospect,
    Customer,
    CustomerHierarchy,
    HierarchyMember,
    ChannelRequest,
    SalesOrder,
)


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_type(label: str) -> str:
    """ "commerce.prospect" as "Prospect"; a label no longer known as it is."""
    model = _model(label)
    return capfirst(model._meta.verbose_name) if model else label


def field_name(label: str, field: str) -> str:
    model = _model(label)
    try:
        return capfirst(model._meta.get_field(field).verbose_name) if model else field
    except FieldDoesNotExist:
        return field


def state_name(label: str, state: str) -> str:
    """A state code in words, from the choices of the record's status or state field."""
    model = _model(label)
    for name in ("status", "state"):
        try:
            choices = dict(model._meta.get_field(name).flatchoices) if model else {}
        except FieldDoesNotExist:
            continue
        return str(choices.get(state, state))
    return state


def transition_log_html(record: Model) -> str:
    """A record's transitions (when, from → to in words, who, why) for its HQ page."""
    label = record._meta.label_lower
    entries = [
        {
            "at": short_datetime(entry.created_at),
            "change": f"{state_name(label, entry.source_state)} → "
            f"{state_name(label, entry.target_state)}",
            "actor": entry.actor,
            "reason": entry.reason,
        }
        for entry in TransitionLog.objects.using(DB).filter(
            model=label,
            object_key=record.transition_key,  # type: ignore[attr-defined]
        )
    ]
    return render_to_string("admin/hq/commerce/prospect/transition_log.html", {"entries": entries})


class RecordTypeFilter(admin.SimpleListFilter):
    title = _("record type")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [(m._meta.label_lower, capfirst(m._meta.verbose_name)) for m in LOGGED_MODELS]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


class LogColumns:
    @admin.display(description=_("when"), ordering="created_at")
    def when(self, entry) -> str | None:
        return short_datetime(entry.created_at)

    @admin.display(description=_("record type"), ordering="model")
    def record_type(self, entry) -> str:
        return record_type(entry.model)

    @admin.display(description=_("record"), ordering="object_key")
    def record(self, entry) -> str:
        return entry.object_key

    @admin.display(description=_("who"), ordering="actor")
    def who(self, entry) -> str:
        return entry.actor


@admin.register(TransitionLog, site=hq_site)
class TransitionLogAdmin(LogColumns, CommerceRecordAdmin):
    list_title = _("Transition log")
    list_display = ("when", "record_type", "record", "change", "who", "short_reason")
    list_filter = (RecordTypeFilter,)
    search_fields = ("object_key",)

    @admin.display(description=_("change"))
    def change(self, entry: TransitionLog) -> str:
        return (
            f"{state_name(entry.model, entry.source_state)} → "
            f"{state_name(entry.model, entry.target_state)}"
        )

    @admin.display(description=_("reason"))
    def short_reason(self, entry: TransitionLog) -> str:
        return shortened(entry.reason)


@admin.register(AuditEntry, site=hq_site)
class AuditEntryAdmin(LogColumns, CommerceRecordAdmin):
    list_title = _("Audit trail")
    list_display = ("when", "who", "record_type", "record", "changed_field", "old", "new")
    list_filter = (RecordTypeFilter,)
    search_fields = ("object_key",)

    @admin.display(description=_("field"), ordering="field")
    def changed_field(self, entry: AuditEntry) -> str:
        return field_name(entry.model, entry.field)

    @admin.display(description=_("old value"))
    def old(self, entry: AuditEntry) -> str:
        return shortened(entry.old_value)

    @admin.display(description=_("new value"))
    def new(self, entry: AuditEntry) -> str:
        return shortened(entry.new_value)
