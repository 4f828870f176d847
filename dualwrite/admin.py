"""The HQ console's Dual-write section (SPEC §7, §10, issue 5): table maps, error log, conflicts.

Integration administrators (and superusers) run and repair dual-write here; back-office staff
may look at the table maps, read-only. Every change goes through dualwrite.services; the long
work (an initial sync, enabling the Commerce solution) is queued for a worker and its progress
shows on the Table maps page.
"""

import json
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from commerce.admin import hq_site
from core.access import (
    COMMERCE_BACK_OFFICE,
    INTEGRATION_ADMINISTRATORS,
    actor_name,
    user_in_groups,
)
from core.errors import ServiceError
from core.validators import validate_multiline

from . import services
from .maps import MAPS, TableMap
from .models import ConflictEntry, DeliveryError, MapState
from .selectors import (
    MapStatus,
    map_state_label,
    map_state_shown,
    map_status_list,
    sales_integration_on,
)

DB = "default"
SYSTEMS = {"channel": _("Channel"), "commerce": _("Commerce"), "sales": _("Sales")}
CONFLICT_RULES = dict(MapState._meta.get_field("conflict_rule").flatchoices)
TEMPLATES = "admin/hq/dualwrite"


def is_integration_admin(user) -> bool:
    """Integration administrators and superusers."""
    return user_in_groups(user, INTEGRATION_ADMINISTRATORS)


def _system(alias: str) -> str:
    return str(SYSTEMS.get(alias, alias))


def _map_name(code: str) -> str:
    """A map's name; a code no longer declared (an old log entry) shows as it is."""
    table_map = MAPS.get(code)
    return table_map.name if table_map else code


def _shortened(text: str) -> str:
    return Truncator(text).chars(80)


def _preformatted(text: str):
    """Escaped, never rendered: errors and payloads hold what other systems sent."""
    if not text:
        return None
    return format_html('<pre class="dualwrite-pre">{}</pre>', text)


def _duration(seconds: float | None) -> str:
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
        return [(code, table_map.name) for code, table_map in MAPS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(map=self.value()) if self.value() else queryset


class DualwriteAdmin(admin.ModelAdmin):
    """Pages of integration administrators; their records are never added or deleted by hand."""

    # The page's name where it differs from the model's plural (see HQAdminSite.get_app_list).
    list_title: str | Promise | None = None
    change_list_template = f"{TEMPLATES}/change_list.html"
    change_form_template = f"{TEMPLATES}/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).using(DB)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_integration_admin(request.user)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_repair_permission(self, request) -> bool:
        """Pausing, resuming, syncing, retrying and skipping (the actions' "repair" right)."""
        return is_integration_admin(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_repair": self.has_repair_permission(request), **(extra_context or {})}
        if self.list_title:
            extra_context["title"] = self.list_title
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"can_repair": self.has_repair_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def _url(self, name: str, *args) -> str:
        return reverse(
            f"admin:dualwrite_{self.opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    def _repair_path(self, route: str, name: str, view, kwargs: dict | None = None):
        return path(
            route,
            self.admin_site.admin_view(require_POST(view)),
            kwargs,
            name=f"dualwrite_{self.opts.model_name}_{name}",
        )

    def _require_repair(self, request) -> None:
        if not self.has_repair_permission(request):
            raise PermissionDenied

    def _report(self, request, outcomes: Iterable[str | ServiceError]) -> None:
        """One message per record: what was done, or why the service refused."""
        for outcome in outcomes:
            if isinstance(outcome, ServiceError):
                self.message_user(request, outcome.message, messages.ERROR)
            else:
                self.message_user(request, outcome, messages.SUCCESS)


def _attempt(perform: Callable[[], str]) -> str | ServiceError:
    try:
        return perform()
    except ServiceError as exc:
        return exc


# --- table maps -------------------------------------------------------------------------------

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


# The buttons of a map: the service each calls and what it tells the administrator.
MAP_COMMANDS: dict[str, tuple[Callable[..., MapState], Promise]] = {
    "pause": (
        services.map_pause,
        _("%(map)s is paused; its changes wait in the outboxes, in order."),
    ),
    "resume": (
        services.map_resume,
        _("%(map)s is running again; the changes that waited are delivered in order."),
    ),
    "initial_sync": (
        services.initial_sync_request,
        _("The initial sync of %(map)s is queued; its progress shows here."),
    ),
}


def _declaration(table_map: TableMap) -> dict:
    """A map's declaration (dualwrite.maps) in the words an administrator reads."""
    forward = next(d for d in table_map.directions if d.forward)
    return {
        "map": table_map,
        "left": _system(forward.source),
        "right": _system(forward.target),
        "directions": [
            {
                "source": _system(d.source),
                "target": _system(d.target),
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
                "source": _system(step.source),
                "target": _system(table_map.direction_from(step.source).target),
                "keeps_existing": step.target_keys is not None,
            }
            for step in table_map.initial_sync
        ],
        "initial_sync_master": _system(table_map.initial_sync_master),
        "conflict_rule": CONFLICT_RULES.get(table_map.conflict_rule, ""),
    }


@admin.register(MapState, site=hq_site)
class MapStateAdmin(DualwriteAdmin):
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
        return is_integration_admin(request.user)

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
        return _map_name(state.code)

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
        return _duration(status.lag_seconds if status else None)

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
        return _shortened(state.last_error)

    @admin.display(description=_("last error"))
    def last_error_text(self, state: MapState):
        return _preformatted(state.last_error)

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
            '<span class="dualwrite-alert" title="{}">{}</span>',
            gettext("Raised %(when)s; resuming the map clears it.")
            % {"when": timezone.localtime(state.alert_raised_at).strftime("%Y-%m-%d %H:%M")},
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

    # --- pause, resume, initial sync, enable ---------------------------------------------------

    def get_urls(self):
        commands = [
            self._repair_path(
                f"<path:object_id>/{command.replace('_', '-')}/",
                command,
                self.map_command_view,
                {"command": command},
            )
            for command in MAP_COMMANDS
        ]
        return [
            self._repair_path("enable/", "enable", self.enable_view),
            *commands,
            *super().get_urls(),
        ]

    def _map_command(self, request, state: MapState, command: str) -> str | ServiceError:
        perform, success = MAP_COMMANDS[command]

        def run() -> str:
            perform(code=state.code, actor=actor_name(request.user))
            return success % {"map": _map_name(state.code)}

        return _attempt(run)

    def map_command_view(self, request, object_id: str, command: str):
        self._require_repair(request)
        state = self.get_object(request, unquote(object_id))
        if state is None:
            raise Http404(gettext("This map does not exist."))
        self._report(request, [self._map_command(request, state, command)])
        return HttpResponseRedirect(self._url("change", quote(state.pk)))

    def enable_view(self, request):
        self._require_repair(request)
        try:
            states = services.solution_enable_request(actor=actor_name(request.user))
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(self._url("changelist"))
        self.message_user(
            request,
            gettext(
                "The Commerce solution is being enabled: %(count)d maps are registered; each "
                "runs its initial sync in the background and then starts. Watch the progress here."
            )
            % {"count": len(states)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("changelist"))

    def _on_selected(self, request, queryset, command: str) -> None:
        self._report(request, [self._map_command(request, state, command) for state in queryset])

    @admin.action(description=_("Pause the selected maps"), permissions=["repair"])
    def pause_selected(self, request, queryset) -> None:
        self._on_selected(request, queryset, "pause")

    @admin.action(description=_("Resume the selected maps"), permissions=["repair"])
    def resume_selected(self, request, queryset) -> None:
        self._on_selected(request, queryset, "resume")

    @admin.action(
        description=_("Run the initial sync of the selected maps"), permissions=["repair"]
    )
    def initial_sync_selected(self, request, queryset) -> None:
        self._on_selected(request, queryset, "initial_sync")

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


# --- error log --------------------------------------------------------------------------------


class SkipForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        validators=[validate_multiline],
        help_text=_(
            "Recorded on each error. The skipped change is never applied; later changes to the "
            "same record go on."
        ),
    )


@admin.register(DeliveryError, site=hq_site)
class DeliveryErrorAdmin(DualwriteAdmin):
    list_title = _("Error log")
    change_list_template = f"{TEMPLATES}/deliveryerror/change_list.html"
    change_form_template = f"{TEMPLATES}/deliveryerror/change_form.html"
    skip_template = f"{TEMPLATES}/deliveryerror/skip.html"
    list_display = (
        "map_name",
        "record_key",
        "short_error",
        "attempts",
        "next_retry_at",
        "state",
        "last_failed_at",
    )
    list_filter = (MapFilter, "state")
    search_fields = ("record_key",)
    actions = ("retry_selected", "skip_selected")
    fieldsets = (
        (
            _("Message"),
            {"fields": ("map_name", "source", "record_key", "event", "message_id", "payload_json")},
        ),
        (
            _("Delivery"),
            {
                "fields": (
                    "error_text",
                    "attempts",
                    "first_failed_at",
                    "last_failed_at",
                    "next_retry_at",
                )
            },
        ),
        (_("Outcome"), {"fields": ("state", "resolution", "resolved_by")}),
    )
    readonly_fields = (
        "map_name",
        "source",
        "record_key",
        "event",
        "message_id",
        "payload_json",
        "error_text",
        "attempts",
        "first_failed_at",
        "last_failed_at",
        "next_retry_at",
        "state",
        "resolution",
        "resolved_by",
    )

    @admin.display(description=_("map"), ordering="map")
    def map_name(self, error: DeliveryError) -> str:
        return _map_name(error.map)

    @admin.display(description=_("error"))
    def short_error(self, error: DeliveryError) -> str:
        return _shortened(error.error)

    @admin.display(description=_("error"))
    def error_text(self, error: DeliveryError):
        return _preformatted(error.error)

    @admin.display(description=_("payload"))
    def payload_json(self, error: DeliveryError):
        return _preformatted(json.dumps(error.payload, indent=2, ensure_ascii=False))

    def get_urls(self):
        return [
            self._repair_path("retry-all/", "retry_all", self.retry_all_view),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # "Retry all" keeps to the map the list is filtered by.
        selected_map = request.GET.get(MapFilter.parameter_name)
        selected_map = selected_map if selected_map in MAPS else None
        context = {
            "retry_map": selected_map,
            "retry_fields": [("map", selected_map)] if selected_map else [],
        }
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The page's Retry and Skip buttons run the list's actions on this one error.
        selected = (helpers.ACTION_CHECKBOX_NAME, unquote(object_id))
        context = {
            "retry_fields": [("action", "retry_selected"), selected],
            "skip_fields": [("action", "skip_selected"), selected],
        }
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def retry_all_view(self, request):
        self._require_repair(request)
        map_code = request.POST.get("map")
        map_code = map_code if map_code in MAPS else None
        count = services.delivery_errors_retry_all(
            actor=actor_name(request.user), map_code=map_code
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d open error is queued for delivery again.",
                "%(count)d open errors are queued for delivery again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
        return HttpResponseRedirect(self._url("changelist"))

    def _for_each(self, request, queryset, perform: Callable[[DeliveryError], str]) -> None:
        self._report(request, [_attempt(partial(perform, error)) for error in queryset])

    @admin.action(description=_("Retry the selected errors"), permissions=["repair"])
    def retry_selected(self, request, queryset) -> None:
        def retry(error: DeliveryError) -> str:
            services.delivery_error_retry(error_id=error.pk, actor=actor_name(request.user))
            return gettext("The change to %(record)s (%(map)s) is queued for delivery again.") % {
                "record": error.record_key,
                "map": _map_name(error.map),
            }

        self._for_each(request, queryset, retry)

    @admin.action(
        description=_("Skip the selected errors, with a reason …"), permissions=["repair"]
    )
    def skip_selected(self, request, queryset):
        """An intermediate page asks for the reason; its submit comes back to this action."""
        form = SkipForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():

            def skip(error: DeliveryError) -> str:
                services.delivery_error_skip(
                    error_id=error.pk,
                    reason=form.cleaned_data["reason"],
                    actor=actor_name(request.user),
                )
                return gettext("The change to %(record)s (%(map)s) is skipped.") % {
                    "record": error.record_key,
                    "map": _map_name(error.map),
                }

            self._for_each(request, queryset, skip)
            return None
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Skip failing changes"),
            "opts": self.opts,
            "errors": [(error, _map_name(error.map)) for error in queryset],
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.skip_template, context)


# --- conflicts --------------------------------------------------------------------------------


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

    @admin.display(description=_("map"), ordering="map")
    def map_name(self, conflict: ConflictEntry) -> str:
        return _map_name(conflict.map)

    @admin.display(description=_("incoming from"), ordering="incoming_side")
    def incoming_from(self, conflict: ConflictEntry) -> str:
        return _system(conflict.incoming_side)

    @admin.display(description=_("winner"), ordering="winner")
    def winner_side(self, conflict: ConflictEntry) -> str:
        return _system(conflict.winner)

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
                "incoming_side": _system(conflict.incoming_side),
                "local_side": _system(target) if target else gettext("target"),
                "winner": _system(conflict.winner),
            },
        )
