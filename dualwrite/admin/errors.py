"""The HQ console's error log (SPEC §7): deliveries that failed, retried or skipped (with a
reason) by integration administrators."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from consoles.hq import hq_site
from core.access import actor_name
from core.admin.display import preformatted, shortened
from core.admin.forms import reason_field
from dualwrite import services
from dualwrite.maps import MAPS
from dualwrite.models import DeliveryError

from .base import TEMPLATES, DualwriteAdmin, MapFilter, map_display, system_display


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
        "record",
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
            {
                "fields": (
                    "map_name",
                    "source_name",
                    "record_key",
                    "event",
                    "message_id",
                    "payload_json",
                )
            },
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
        "source_name",
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

    @admin.display(description=_("source database"))
    def source_name(self, error: DeliveryError) -> str:
        return system_display(error.source)

    @admin.display(description=_("record"), ordering="record_key")
    def record(self, error: DeliveryError):
        # A key such as "A-00500" is one word: never broken at its hyphen.
        return format_html('<span style="white-space: nowrap">{}</span>', error.record_key)

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
            self.page_path("<path:object_id>/retry/", "retry", self.retry_view),
            self.page_path("<path:object_id>/skip/", "skip", self.skip_view),
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

    def record_label(self, error: DeliveryError) -> str:
        return gettext("%(record)s (%(map)s)") % self._words(error)

    def record_actions(self, request, error: DeliveryError) -> list[dict]:
        """An open error's buttons at the top of its page, each to its confirmation page."""
        if not self.has_repair_permission(request) or error.state != DeliveryError.State.OPEN:
            return []
        key = quote(error.pk)
        return [
            {"label": _("Retry"), "url": self.page_url("retry", key), "primary": True},
            {"label": _("Skip …"), "url": self.page_url("skip", key)},
        ]

    @staticmethod
    def _words(error: DeliveryError) -> dict:
        return {"record": error.record_key, "map": map_display(error.map)}

    def retry_view(self, request, object_id: str):
        error = self.record_for_action(request, object_id)
        words = self._words(error)

        def retry() -> str:
            services.delivery_error_retry(error_id=error.pk, actor=actor_name(request.user))
            return gettext("The change to %(record)s (%(map)s) is queued for delivery again.") % (
                words
            )

        return self.confirm_page(
            request,
            error,
            perform=retry,
            title=gettext("Retry the change to %(record)s (%(map)s)") % words,
            submit_label=gettext("Retry"),
            context={"record_label": self.record_label(error)},
            consequences=[
                gettext("The change is delivered again now, with its attempts counted afresh."),
                gettext(
                    "Once it is delivered the error is resolved; if it fails again it stays "
                    "open here with the new error."
                ),
            ],
        )

    def skip_view(self, request, object_id: str):
        error = self.record_for_action(request, object_id)
        words = self._words(error)

        def skip(form: SkipForm) -> str:
            services.delivery_error_skip(
                error_id=error.pk,
                reason=form.cleaned_data["reason"],
                actor=actor_name(request.user),
            )
            return gettext("The change to %(record)s (%(map)s) is skipped.") % words

        return self.action_page(
            request,
            error,
            form_class=SkipForm,
            perform=skip,
            title=gettext("Skip the change to %(record)s (%(map)s)") % words,
            submit_label=gettext("Skip"),
            context={
                "record_label": self.record_label(error),
                "consequences": [
                    gettext("This change is never applied on the other side."),
                    gettext("Later changes to the same record are delivered as usual."),
                    gettext("The reason is kept on the error, with your name."),
                ],
            },
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
