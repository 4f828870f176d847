"""The HQ console's error log (SPEC §7): deliveries that failed, retried or skipped (with a
reason) by integration administrators."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from consoles.hq import hq_site
from core.access import actor_name
from core.admin.display import preformatted, shortened
from core.admin.forms import reason_field
from dualwrite import services
from dualwrite.maps import MAPS
from dualwrite.models import DeliveryError

from .base import TEMPLATES, DualwriteAdmin, MapFilter, map_display


class SkipForm(forms.Form):
    reason = reason_field(
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
        return map_display(error.map)

    @admin.display(description=_("error"))
    def short_error(self, error: DeliveryError) -> str:
        return shortened(error.error)

    @admin.display(description=_("error"))
    def error_text(self, error: DeliveryError):
        return preformatted(error.error)

    @admin.display(description=_("payload"))
    def payload_json(self, error: DeliveryError):
        return preformatted(json.dumps(error.payload, indent=2, ensure_ascii=False))

    def get_urls(self):
        return [
            self.repair_path("retry-all/", "retry_all", self.retry_all_view),
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
        self.require_action_permission(request)
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
        return HttpResponseRedirect(self.page_url("changelist"))

    @admin.action(description=_("Retry the selected errors"), permissions=["repair"])
    def retry_selected(self, request, queryset) -> None:
        def retry(error: DeliveryError) -> str:
            services.delivery_error_retry(error_id=error.pk, actor=actor_name(request.user))
            return gettext("The change to %(record)s (%(map)s) is queued for delivery again.") % {
                "record": error.record_key,
                "map": map_display(error.map),
            }

        self.each_report(request, queryset, retry)

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
                    "map": map_display(error.map),
                }

            self.each_report(request, queryset, skip)
            return None
        selected = [(helpers.ACTION_CHECKBOX_NAME, error.pk) for error in queryset]
        return self.action_form_response(
            request,
            form=form,
            title=gettext("Skip failing changes"),
            submit_label=gettext("Skip"),
            back_url=self.page_url("changelist"),
            context={
                "errors": [(error, map_display(error.map)) for error in queryset],
                "hidden_fields": [*selected, ("action", "skip_selected"), ("apply", "yes")],
            },
            template=self.skip_template,
        )
