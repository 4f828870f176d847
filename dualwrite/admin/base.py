"""What the HQ console's Dual-write pages share (SPEC §7, §10, issue 5).

Integration administrators (and superusers) run and repair dual-write here; their records are
never added or deleted by hand. Every change goes through dualwrite.services.
"""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.access import INTEGRATION_ADMINISTRATORS
from core.admin.access import ReadOnlyAccess
from core.admin.options import ConsoleAdmin
from dualwrite.maps import MAPS
from dualwrite.models import MapState

DB = "default"
SYSTEMS = {"channel": _("Channel"), "commerce": _("Commerce"), "sales": _("Sales")}
CONFLICT_RULES = dict(MapState._meta.get_field("conflict_rule").flatchoices)
TEMPLATES = "admin/hq/dualwrite"


def system_display(alias: str) -> str:
    return str(SYSTEMS.get(alias, alias))


def map_display(code: str) -> str:
    """A map's name in the reader's language (the maps declare it for translation, like their
    value labels); a code no longer declared (an old log entry) shows as it is."""
    table_map = MAPS.get(code)
    return gettext(table_map.name) if table_map else code


def duration(seconds: float | None) -> str:
    """A lag as a person reads it: "45 seconds", "3 hours, 12 minutes"."""
    if seconds is None:
        return "—"
    if seconds < 60:
        whole = int(seconds)
        return ngettext("%(count)d second", "%(count)d seconds", whole) % {"count": whole}
    now = timezone.now()
    return timesince(now - timedelta(seconds=seconds), now)


class MapFilter(admin.SimpleListFilter):
    """By map, listed by the maps' names."""

    title = _("map")
    parameter_name = "map"

    def lookups(self, request, model_admin):
        return [(code, map_display(code)) for code in MAPS]

    def queryset(self, request, queryset):
        return queryset.filter(map=self.value()) if self.value() else queryset


class DualwriteAdmin(ReadOnlyAccess, ConsoleAdmin):
    """Pages of integration administrators, whose buttons and actions repair dual-write."""

    access_groups = (INTEGRATION_ADMINISTRATORS,)
    db_alias = DB
    change_list_template = f"{TEMPLATES}/change_list.html"
    change_form_template = f"{TEMPLATES}/change_form.html"

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_repair_permission(self, request) -> bool:
        """Pausing, resuming, syncing, retrying and skipping (the actions' "repair" right)."""
        return self.has_group_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_repair": self.has_repair_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            "can_repair": self.has_repair_permission(request),
            "list_title": self.list_title,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def record_label(self, obj) -> str:
        """A record's name in its page's title and breadcrumbs."""
        return str(obj)

    def record_actions(self, request, obj) -> list[dict]:
        """The buttons at the top of a record's page (admin/console/record_actions.html)."""
        return []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["record_label"] = context["subtitle"] = self.record_label(obj)
            context["record_actions"] = self.record_actions(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def repair_path(self, route: str, name: str, view, kwargs: dict | None = None):
        return self.page_path(route, name, view, post_only=True, kwargs=kwargs)
