"""The HQ console's conflicts (SPEC §7): fields both sides changed between syncs, and which
side the map's rule let win."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consoles.hq import hq_site
from dualwrite.maps import MAPS
from dualwrite.models import ConflictEntry

from .base import CONFLICT_RULES, TEMPLATES, DualwriteAdmin, MapFilter, map_display, system_display


@admin.register(ConflictEntry, site=hq_site)
class ConflictEntryAdmin(DualwriteAdmin):
    list_title = _("Conflicts")
    list_display = (
        "created_at",
        "map_name",
        "record_key",
        "field",
        "incoming_from",
        "winner_side",
        "rule_name",
    )
    list_filter = (MapFilter, "winner")
    search_fields = ("record_key", "field")
    fields = (
        "map_name",
        "record_key",
        "field",
        "created_at",
        "rule_name",
        "winner_side",
        "values_side_by_side",
    )
    readonly_fields = fields

    def record_label(self, conflict: ConflictEntry) -> str:
        return gettext("%(record)s · %(field)s (%(map)s)") % {
            "record": conflict.record_key,
            "field": conflict.field,
            "map": map_display(conflict.map),
        }

    @admin.display(description=_("map"), ordering="map")
    def map_name(self, conflict: ConflictEntry) -> str:
        return map_display(conflict.map)

    @admin.display(description=_("incoming from"), ordering="incoming_side")
    def incoming_from(self, conflict: ConflictEntry) -> str:
        return system_display(conflict.incoming_side)

    @admin.display(description=_("winner"), ordering="winner")
    def winner_side(self, conflict: ConflictEntry) -> str:
        return system_display(conflict.winner)

    @admin.display(description=_("rule"))
    def rule_name(self, conflict: ConflictEntry) -> str:
        return str(CONFLICT_RULES.get(conflict.rule, conflict.rule))

    @admin.display(description=_("values"))
    def values_side_by_side(self, conflict: ConflictEntry) -> str:
        table_map = MAPS.get(conflict.map)
        target = (
            table_map.direction_from(conflict.incoming_side).target
            if table_map and conflict.incoming_side in {d.source for d in table_map.directions}
            else ""
        )
        return render_to_string(
            f"{TEMPLATES}/conflictentry/values.html",
            {
                "conflict": conflict,
                "incoming_side": system_display(conflict.incoming_side),
                "local_side": system_display(target) if target else gettext("target"),
                "winner": system_display(conflict.winner),
            },
        )
