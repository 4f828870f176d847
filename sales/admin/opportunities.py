"""The Sales console's opportunities (SPEC §3 steps 6-8): the record page with its timeline and
the Close as won and Close as lost buttons."""

from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consoles.sales import sales_site
from core.access import actor_name
from core.formatting import money
from sales import selectors, services
from sales.forms import CloseAsLostForm, CloseAsWonForm
from sales.models import Opportunity

from .base import TimelineAdmin, commerce_decides, is_sales_rep
from .consequences import close_as_lost_consequences, close_as_won_consequences
from .process import closing_text, opportunity_process


class Close(NamedTuple):
    """A close button: its form (whose fields are the service's arguments), service, and what
    its confirmation step says will happen."""

    label: Promise
    title: Promise
    form_class: type[forms.Form]
    service: Callable[..., object]
    done: Promise
    consequences: Callable[[Opportunity], list[str]]


CLOSES = {
    "close-as-won": Close(
        _("Close as won"),
        _("Close as won: %(opportunity)s"),
        CloseAsWonForm,
        services.opportunity_close_as_won,
        _("The opportunity is closed as won."),
        close_as_won_consequences,
    ),
    "close-as-lost": Close(
        _("Close as lost"),
        _("Close as lost: %(opportunity)s"),
        CloseAsLostForm,
        services.opportunity_close_as_lost,
        _("The opportunity is closed as lost."),
        close_as_lost_consequences,
    ),
}


@admin.register(Opportunity, site=sales_site)
class OpportunityAdmin(TimelineAdmin):
    list_title = _("Opportunities")
    # What fits at 1280 px: the contact and the prospect are on the record's page.
    list_display = (
        "number",
        "topic",
        "account",
        "owner",
        "status_with_reason",
        "revenue",
        "close_date",
    )
    list_filter = ("status", "status_reason")
    search_fields = ("opportunity_number", "topic", "prospect_number", "account__name")
    list_select_related = ("account", "contact")
    readonly_fields = (
        "opportunity_number",
        "status",
        "owner",
        "account_link",
        "contact_link",
        "lead_link",
        "prospect_number",
        "closes",
        "version",
        "created_at",
        "updated_at",
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                _("Opportunity"),
                {
                    "fields": (
                        ("opportunity_number", "owner"),
                        "topic",
                        ("status", "status_reason"),
                        "estimated_revenue",
                        "description",
                    )
                },
            ),
            (
                _("Customer"),
                {"fields": (("account_link", "contact_link"), ("lead_link", "prospect_number"))},
            ),
        ]
        # The close section only once there is a close to show.
        if obj is not None and obj.status != Opportunity.Status.OPEN:
            # A section's name; the bare "Close" is Django's button, which must stay a verb.
            fieldsets.append(
                (pgettext_lazy("opportunity section", "Close"), {"fields": ("closes",)})
            )
        record = ("version", ("created_at", "updated_at"))
        fieldsets.append((_("Record"), {"fields": record, "classes": ("collapse",)}))
        return fieldsets

    def has_change_permission(self, request, obj=None) -> bool:
        return is_sales_rep(request.user) and (obj is None or obj.status == Opportunity.Status.OPEN)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status_reason":
            kwargs["choices"] = [
                (reason.value, reason.label) for reason in Opportunity.OPEN_REASONS
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description=_("account"))
    def account_link(self, opportunity: Opportunity):
        return self.link(opportunity.account)

    @admin.display(description=_("contact"))
    def contact_link(self, opportunity: Opportunity):
        return self.link(opportunity.contact)

    @admin.display(description=_("originating lead"))
    def lead_link(self, opportunity: Opportunity):
        return self.link(opportunity.originating_lead)

    @admin.display(description=_("number"), ordering="opportunity_number")
    def number(self, opportunity: Opportunity):
        # Kept on one line: "OP-" alone above "000003" reads as two things.
        return format_html(
            '<span style="white-space: nowrap">{}</span>', opportunity.opportunity_number
        )

    @admin.display(description=_("revenue"), ordering="estimated_revenue")
    def revenue(self, opportunity: Opportunity) -> str:
        """Won: what it brought; otherwise what it is expected to bring."""
        if opportunity.status == Opportunity.Status.WON:
            return money(opportunity.actual_revenue, settings.SALES_REVENUE_CURRENCY)
        return money(opportunity.estimated_revenue, settings.SALES_REVENUE_CURRENCY)

    @admin.display(description=_("closing"))
    def closes(self, opportunity: Opportunity):
        """Each close in words, with who closed it and why."""
        rows = [
            (
                closing_text(
                    outcome=close.outcome,
                    close_date=close.close_date,
                    actual_revenue=close.actual_revenue,
                    reason=close.get_status_reason_display(),
                    competitor=close.competitor,
                ),
                close.closed_by,
                close.description,
            )
            for close in opportunity.closes.all()
        ]
        if not rows:
            return self.get_empty_value_display()
        row = '<div><strong>{}</strong> — {}<div style="white-space: pre-wrap">{}</div></div>'
        return format_html_join("\n", row, rows)

    def update_record(self, pk: int, values: dict) -> None:
        services.opportunity_update(opportunity_id=pk, values=values)

    def process(self, obj):
        return opportunity_process(obj)

    def timeline(self, obj):
        return selectors.opportunity_timeline(opportunity=obj)

    def note_add(self, obj, *, text: str, actor: str) -> None:
        services.opportunity_note_add(opportunity_id=obj.pk, text=text, actor=actor)

    def record_actions(self, request, opportunity: Opportunity) -> list[dict]:
        if opportunity.status != Opportunity.Status.OPEN or commerce_decides(opportunity):
            return []
        return [
            {
                "label": close.label,
                "url": self.action_url(opportunity, action),
                "primary": action == "close-as-won",
            }
            for action, close in CLOSES.items()
        ]

    def action_urls(self) -> list:
        return [
            self.page_path(
                f"<path:object_id>/{action}/", action, self.close_view, kwargs={"action": action}
            )
            for action in CLOSES
        ]

    def close_view(self, request, object_id, action: str):
        opportunity = self.record_for_action(request, object_id)
        close = CLOSES[action]

        def close_opportunity(form: forms.Form) -> str:
            close.service(
                opportunity_id=opportunity.pk, actor=actor_name(request.user), **form.cleaned_data
            )
            return str(close.done)

        return self.action_page(
            request,
            opportunity,
            form_class=close.form_class,
            perform=close_opportunity,
            title=close.title % {"opportunity": opportunity},
            submit_label=str(close.label),
            context={"consequences": close.consequences(opportunity)},
        )
