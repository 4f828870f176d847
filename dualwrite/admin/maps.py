"""The HQ console's table maps (SPEC §7, issue 5): each map's state, backlog, lag and errors,
its declaration, and the buttons that pause, resume, sync and enable it. Back-office staff may
look at the maps, read-only; the long work (an initial sync, enabling the Commerce solution) is
queued for a worker and its progress shows on the Table maps page."""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consoles.hq import hq_site
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, user_in_groups
from core.admin.display import preformatted, shortened
from dualwrite.maps import MAPS, TableMap
from dualwrite.models import DeliveryError, MapState
from dualwrite.selectors import (
    MapStatus,
    map_state_label,
    map_state_shown,
    map_status_list,
    sales_integration_on,
)

from .base import (
    CONFLICT_RULES,
    DB,
    TEMPLATES,
    DualwriteAdmin,
    duration,
    map_display,
    system_display,
)
from .map_commands import MapCommands

# The attribute MapStateAdmin gives each listed map: the selector's backlog, lag and errors.
STATUS = "delivery_status"


def _status(state: MapState) -> MapStatus | None:
    return getattr(state, STATUS, None)


class MapSettingsForm(forms.ModelForm):
    alert_errors = forms.IntegerField(
        label=_("Alert after errors"),
        min_value=1,
        max_value=10_000,
        help_text=_(
            "This many failed deliveries within the minutes below pause the map and email the "
            "integration administrators."
        ),
    )
    alert_minutes = forms.IntegerField(
        label=_("Within minutes"), min_value=1, max_value=7 * 24 * 60
    )

    class Meta:
        model = MapState
        fields = ("alert_errors", "alert_minutes", "conflict_rule")
        help_texts = {
            "conflict_rule": _(
                "Who wins when both sides changed a record between syncs; empty keeps the "
                "map's declared rule."
            ),
        }


def _declaration(table_map: TableMap) -> dict:
    """A map's declaration (dualwrite.maps) in the words an administrator reads."""
    forward = next(d for d in table_map.directions if d.forward)
    return {
        "map": table_map,
        "left": system_display(forward.source),
        "right": system_display(forward.target),
        "directions": [
            {
                "source": system_display(d.source),
                "target": system_display(d.target),
                "constants": d.constants,
            }
            for d in table_map.directions
        ],
        "key_right": table_map.field_map[table_map.key],
        "field_map": list(table_map.field_map.items()),
        "value_maps": {
            name: [(value, gettext(label)) for value, label in values.items()]
            for name, values in table_map.value_maps.items()
        },
        "initial_sync": [
            {
                "source": system_display(step.source),
                "target": system_display(table_map.direction_from(step.source).target),
                "keeps_existing": step.target_keys is not None,
            }
            for step in table_map.initial_sync
        ],
        "initial_sync_master": system_display(table_map.initial_sync_master),
        "conflict_rule": CONFLICT_RULES.get(table_map.conflict_rule, ""),
    }


@admin.register(MapState, site=hq_site)
class MapStateAdmin(MapCommands, DualwriteAdmin):
    list_title = _("Table maps")
    change_list_template = f"{TEMPLATES}/mapstate/change_list.html"
    change_form_template = f"{TEMPLATES}/mapstate/change_form.html"
    form = MapSettingsForm
    list_display = (
        "map_name",
        "map_state",
        "backlog",
        "delivered",
        "lag",
        "open_errors",
        "short_last_error",
        "initial_sync_progress",
        "alert",
    )
    list_display_links = ("map_name",)
    actions = ("pause_selected", "resume_selected", "initial_sync_selected")
    fieldsets = (
        (_("Map"), {"fields": ("map_name", "map_state", "changed_at", "changed_by")}),
        (_("Declaration"), {"fields": ("declaration",)}),
        (
            _("Delivery"),
            {
                "fields": (
                    "backlog",
                    "lag",
                    "delivered_count",
                    "open_errors",
                    "last_error_text",
                    "last_error_at",
                )
            },
        ),
        (
            _("Initial sync"),
            {
                "fields": (
                    "initial_sync_progress",
                    "initial_sync_started_at",
                    "initial_sync_finished_at",
                )
            },
        ),
        (
            _("Alert rule and conflicts"),
            {"fields": ("alert", "alert_errors", "alert_minutes", "conflict_rule")},
        ),
    )
    readonly_fields = (
        "map_name",
        "map_state",
        "changed_at",
        "changed_by",
        "declaration",
        "backlog",
        "lag",
        "delivered_count",
        "open_errors",
        "last_error_text",
        "last_error_at",
        "initial_sync_progress",
        "initial_sync_started_at",
        "initial_sync_finished_at",
        "alert",
    )

    # Back-office staff may look at the maps; only integration administrators change them.
    def has_view_permission(self, request, obj=None) -> bool:
        return user_in_groups(request.user, INTEGRATION_ADMINISTRATORS, COMMERCE_BACK_OFFICE)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_group_permission(request)

    def get_readonly_fields(self, request, obj=None):
        one_way = obj is not None and obj.code in MAPS and len(MAPS[obj.code].directions) == 1
        return (*self.readonly_fields, "conflict_rule") if one_way else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        # Only the settings edited here: the relay and the alert rule update the counters and
        # the state meanwhile, and a whole-row save would put back what this form had read.
        obj.save(using=DB, update_fields=form.changed_data)

    # --- status of each map (backlog, lag, errors) from the selector --------------------------

    @staticmethod
    def _with_status(states: list[MapState]) -> list[MapState]:
        statuses = {status.code: status for status in map_status_list()}
        for state in states:
            setattr(state, STATUS, statuses.get(state.code))
        return states

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.result_list = self._with_status(list(changelist.result_list))
        return changelist

    def get_object(self, request, object_id, from_field=None):
        state = super().get_object(request, object_id, from_field)
        return self._with_status([state])[0] if state is not None else None

    @admin.display(description=_("map"))
    def map_name(self, state: MapState) -> str:
        return map_display(state.code)

    @admin.display(description=_("state"), ordering="state")
    def map_state(self, state: MapState) -> str:
        """Its state, or "Off (Sales integration disabled)" while the integration is off."""
        return map_state_label(map_state_shown(state.state))

    @admin.display(description=_("backlog"))
    def backlog(self, state: MapState):
        status = _status(state)
        return status.backlog if status else None

    @admin.display(description=_("delivered"))
    def delivered(self, state: MapState) -> int:
        return state.delivered_count

    @admin.display(description=_("lag"))
    def lag(self, state: MapState) -> str:
        status = _status(state)
        return duration(status.lag_seconds if status else None)

    @admin.display(description=_("open errors"))
    def open_errors(self, state: MapState):
        status = _status(state)
        if not status or not status.open_errors:
            return 0
        url = self._error_log_url(state.code)
        return format_html('<a href="{}">{}</a>', url, status.open_errors)

    def _error_log_url(self, code: str) -> str:
        changelist = reverse(
            "admin:dualwrite_deliveryerror_changelist", current_app=self.admin_site.name
        )
        return f"{changelist}?map={code}&state__exact={DeliveryError.State.OPEN}"

    @admin.display(description=_("last error"))
    def short_last_error(self, state: MapState) -> str:
        return shortened(state.last_error)

    @admin.display(description=_("last error"))
    def last_error_text(self, state: MapState):
        return preformatted(state.last_error)

    @admin.display(description=_("initial sync"))
    def initial_sync_progress(self, state: MapState):
        percent = state.initial_sync_percent
        if not state.initial_sync_started_at:
            return gettext("not run")
        return format_html(
            '<progress class="dualwrite-progress" value="{}" max="100">{}%</progress> {}',
            percent,
            percent,
            gettext("%(percent)d%% (%(done)d of %(total)d)")
            % {
                "percent": percent,
                "done": state.initial_sync_done,
                "total": state.initial_sync_total,
            },
        )

    @admin.display(description=_("alert"))
    def alert(self, state: MapState):
        if state.alert_raised_at is None:
            return "—"
        return format_html(
            # Wrapping, unlike the badge's style sheet says: in Czech the text is too long
            # for the list's width at 1280 px otherwise.
            '<span class="dualwrite-alert" style="white-space: normal" title="{}">{}</span>',
            gettext("Raised %(when)s; resuming the map clears it.")
            % {"when": formats.localize(timezone.localtime(state.alert_raised_at))},
            gettext("Alert: paused after %(errors)d errors in %(minutes)d min")
            % {"errors": state.alert_errors, "minutes": state.alert_minutes},
        )

    @admin.display(description=_("declaration"))
    def declaration(self, state: MapState) -> str:
        if state.code not in MAPS:
            return gettext("This map is no longer declared.")
        return render_to_string(
            f"{TEMPLATES}/mapstate/declaration.html", _declaration(MAPS[state.code])
        )

    def get_urls(self):
        return [*self.command_urls(), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        syncing = MapState.objects.using(DB).filter(state=MapState.State.INITIALIZING).exists()
        extra_context = {
            "syncing": syncing,
            "integration_on": sales_integration_on(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"integration_on": sales_integration_on(), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def record_label(self, state: MapState) -> str:
        return map_display(state.code)
