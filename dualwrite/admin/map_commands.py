"""The buttons of a table map (pause, resume, initial sync) and the Commerce solution's
enabling: each record button opens a confirmation page that says what will happen, the list
actions do the same to the selected maps at once."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import actor_name
from dualwrite import services
from dualwrite.maps import MAPS
from dualwrite.models import MapState
from dualwrite.selectors import sales_integration_on

from .base import map_display, system_display

if TYPE_CHECKING:
    from .base import DualwriteAdmin

    # The mixin's methods use the console admin it is mixed into (MapStateAdmin).
    _MixedInto = DualwriteAdmin
else:
    _MixedInto = object


@dataclass(frozen=True)
class MapCommand:
    perform: Callable[..., MapState]
    # Each takes the map's name as %(map)s.
    done: Promise
    title: Promise
    submit_label: Promise
    consequences: tuple[Promise, ...]


MAP_COMMANDS: dict[str, MapCommand] = {
    "pause": MapCommand(
        services.map_pause,
        done=_("%(map)s is paused; its changes wait in the outboxes, in order."),
        title=_("Pause %(map)s"),
        submit_label=_("Pause the map"),
        consequences=(
            _("No change of this map is delivered until the map is resumed."),
            _("Changes made meanwhile wait in the outboxes, in order; none is lost."),
            _("Resuming delivers the changes that waited, in order."),
        ),
    ),
    "resume": MapCommand(
        services.map_resume,
        done=_("%(map)s is running again; the changes that waited are delivered in order."),
        title=_("Resume %(map)s"),
        submit_label=_("Resume the map"),
        consequences=(
            _("The changes that waited in the outboxes are delivered now, in order."),
            _("A raised alert is cleared, and failed deliveries are counted afresh."),
        ),
    ),
    "initial_sync": MapCommand(
        services.initial_sync_request,
        done=_("The initial sync of %(map)s is queued; its progress shows here."),
        title=_("Run the initial sync of %(map)s"),
        submit_label=_("Run initial sync"),
        consequences=(
            _("A worker copies the records in the background; the progress shows on the map."),
        ),
    ),
}


def _initial_sync_steps(code: str) -> list[str]:
    """What the initial sync of a map copies, step by step (its declaration)."""
    table_map = MAPS.get(code)
    if table_map is None:
        return []
    steps = []
    for step in table_map.initial_sync:
        words = {
            "source": system_display(step.source),
            "target": system_display(table_map.direction_from(step.source).target),
        }
        if step.target_keys is not None:
            text = gettext(
                "Records of %(source)s whose key is not in %(target)s yet are copied to %(target)s."
            )
        else:
            text = gettext(
                "Records of %(source)s are copied to %(target)s, overwriting records with "
                "the same key."
            )
        steps.append(text % words)
    return steps


class MapCommands(_MixedInto):
    """MapStateAdmin's buttons and list actions (with DualwriteAdmin's page helpers)."""

    def command_urls(self) -> list:
        commands = [
            self.page_path(
                f"<path:object_id>/{command.replace('_', '-')}/",
                command,
                self.map_command_view,
                kwargs={"command": command},
            )
            for command in MAP_COMMANDS
        ]
        return [self.page_path("enable/", "enable", self.enable_view), *commands]

    def record_actions(self, request, state: MapState) -> list[dict]:
        """The map page's buttons at its top, each to its confirmation page."""
        if not (self.has_repair_permission(request) and sales_integration_on()):
            return []
        by_state: dict[str, tuple[str, ...]] = {
            MapState.State.RUNNING: ("pause", "initial_sync"),
            MapState.State.PAUSED: ("resume",),
        }
        commands = by_state.get(state.state, ("initial_sync",))
        labels = {"pause": _("Pause"), "resume": _("Resume"), "initial_sync": _("Run initial sync")}
        return [
            {"label": labels[command], "url": self.page_url(command, quote(state.pk))}
            for command in commands
        ]

    def _map_command(self, request, command: str):
        """The service of a map's button, for one map: it returns the success message."""
        spec = MAP_COMMANDS[command]

        def run(state: MapState) -> str:
            spec.perform(code=state.code, actor=actor_name(request.user))
            return spec.done % {"map": map_display(state.code)}

        return run

    def map_command_view(self, request, object_id: str, command: str):
        """The confirmation page of a map's button; its submit runs the command."""
        state = self.record_for_action(request, object_id)
        spec = MAP_COMMANDS[command]
        name = {"map": map_display(state.code)}
        consequences = [str(consequence) for consequence in spec.consequences]
        if command == "initial_sync":
            consequences += _initial_sync_steps(state.code)
        return self.confirm_page(
            request,
            state,
            perform=partial(self._map_command(request, command), state),
            title=spec.title % name,
            submit_label=str(spec.submit_label),
            consequences=consequences,
            context={"record_label": name["map"]},
        )

    def enable_view(self, request):
        """The Commerce solution's confirmation page; its submit queues the enabling."""
        self.require_action_permission(request)

        def enable() -> str:
            states = services.solution_enable_request(actor=actor_name(request.user))
            return gettext(
                "The Commerce solution is being enabled: %(count)d maps are registered; each "
                "runs its initial sync in the background and then starts. Watch the progress here."
            ) % {"count": len(states)}

        changelist = self.page_url("changelist")
        if request.method == "POST":
            return self.action_button(request, enable, then=changelist)
        return self.action_form_response(
            request,
            form=forms.Form(),
            title=gettext("Enable the Commerce solution"),
            submit_label=gettext("Enable Commerce solution"),
            back_url=changelist,
            context={
                "consequences": [
                    gettext("Every table map below is registered, one after the other:"),
                    *(
                        gettext("%(map)s: its initial sync runs, then the map starts.")
                        % {"map": map_display(code)}
                        for code in MAPS
                    ),
                    gettext(
                        "Each initial sync copies records as its map's declaration says, and "
                        "may overwrite records with the same key."
                    ),
                    gettext("The work runs in the background; its progress shows on the list."),
                ]
            },
        )

    def _on_selected(self, request, queryset, command: str) -> None:
        self.each_report(request, queryset, self._map_command(request, command))

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
