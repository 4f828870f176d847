"""HQ's prospects (SPEC §3 step 9): the list, a prospect's page, and, while the Sales
integration is off, its Approve and Reject buttons and the same decisions in bulk from the list,
each through a confirmation page that says what will happen."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from commerce import services
from commerce.models import Customer, CustomerHierarchy, Prospect, TransitionLog
from commerce.services.prospects import decision_allowed_check
from consoles.hq import hq_site
from core.access import actor_name
from core.admin.filters import CountryFilter
from core.admin.forms import reason_field
from core.admin.options import refusal_text
from core.errors import ServiceError

from .base import DB, CommerceRecordAdmin, language_name, short_datetime
from .logs import state_name

BULK_TEMPLATE = "admin/hq/commerce/prospect/bulk_decision.html"


class ProspectRejectForm(forms.Form):
    reason = reason_field(
        rows=4,
        help_text=_(
            "Kept on the prospect for HQ only. The requester's email carries the customer-facing "
            "decline message for HQ rejections (editable under Decline messages)."
        ),
    )


class ProspectApproveForm(forms.Form):
    """Approval asks nothing more: its page only confirms what will happen."""


def approval_consequences(prospect: Prospect) -> str:
    return gettext(
        "Approving %(company)s creates the organization and person customers and the customer "
        "hierarchy, and emails the requester, %(name)s (%(email)s), an invitation to the B2B "
        "site."
    ) % {"company": prospect.company_name, "name": prospect.full_name, "email": prospect.email}


def rejection_consequences(prospect: Prospect) -> str:
    return gettext(
        "Rejecting %(company)s closes the request of %(name)s and emails %(email)s the "
        "“B2B prospect rejected” email. No customer is created."
    ) % {"company": prospect.company_name, "name": prospect.full_name, "email": prospect.email}


@admin.register(Prospect, site=hq_site)
class ProspectAdmin(CommerceRecordAdmin):
    list_title = _("All prospects")
    change_form_template = "admin/hq/commerce/prospect/change_form.html"
    list_display = (
        "number",
        "company_name",
        "contact_name",
        "email",
        "country",
        "status",
        "created",
    )
    list_display_links = ("number",)
    list_filter = ("status", ("country", CountryFilter))
    search_fields = ("prospect_number", "company_name", "email", "last_name")
    actions = ("approve_selected", "reject_selected")
    readonly_fields = (
        "prospect_type_name",
        "channel_name",
        "language_name",
        "organization_customer_link",
        "person_customer_link",
        "customer_hierarchy_link",
        "sales_records",
        "transition_log",
    )
    fieldsets = (
        (
            _("Prospect"),
            {
                "fields": (
                    "prospect_number",
                    "prospect_type_name",
                    "channel_name",
                    "request_id",
                    "created_at",
                )
            },
        ),
        (
            _("Contact"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "job_title",
                    "language_name",
                )
            },
        ),
        (
            _("Company"),
            {
                "fields": (
                    "company_name",
                    "tax_id",
                    "website",
                    "street",
                    "city",
                    "state",
                    "postal_code",
                    "country",
                    "comments",
                )
            },
        ),
        (
            _("Decision"),
            {
                "fields": (
                    "status",
                    "status_reason",
                    "reason_category",
                    "decided_at",
                    "decided_by",
                    "organization_customer_link",
                    "person_customer_link",
                    "customer_hierarchy_link",
                )
            },
        ),
        (_("In Sales"), {"fields": ("sales_records",)}),
        (_("Transition log"), {"fields": ("transition_log",)}),
    )

    @admin.display(description=_("type"))
    def prospect_type_name(self, prospect: Prospect) -> str:
        return gettext(prospect.prospect_type)

    @admin.display(description=_("channel"))
    def channel_name(self, prospect: Prospect) -> str:
        return gettext(prospect.channel)

    @admin.display(description=_("number"), ordering="prospect_number")
    def number(self, prospect: Prospect) -> str:
        return prospect.prospect_number

    @admin.display(description=_("contact name"), ordering="last_name")
    def contact_name(self, prospect: Prospect) -> str:
        return prospect.full_name

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, prospect: Prospect) -> str | None:
        return short_datetime(prospect.created_at)

    @admin.display(description=_("language"))
    def language_name(self, prospect: Prospect) -> str:
        return language_name(prospect.language)

    def _link(self, model, lookup: str, key: str):
        """A business key shown as a link to its record (the key alone if the record is gone)."""
        if not key:
            return self.get_empty_value_display()
        record = model.objects.using(DB).filter(**{lookup: key}).first()
        return key if record is None else self.link(record)

    @admin.display(description=_("organization customer"))
    def organization_customer_link(self, prospect: Prospect):
        return self._link(Customer, "account_number", prospect.organization_customer)

    @admin.display(description=_("person customer"))
    def person_customer_link(self, prospect: Prospect):
        return self._link(Customer, "account_number", prospect.person_customer)

    @admin.display(description=_("customer hierarchy"))
    def customer_hierarchy_link(self, prospect: Prospect):
        return self._link(CustomerHierarchy, "hierarchy_id", prospect.customer_hierarchy)

    @admin.display(description=_("Sales records"))
    def sales_records(self, prospect: Prospect) -> str:
        """The business keys of the lead, opportunity, account and contact (SPEC §7)."""
        keys = [
            (gettext("lead"), prospect.sales_lead),
            (gettext("opportunity"), prospect.sales_opportunity),
            (gettext("account"), prospect.organization_customer if prospect.sales_lead else ""),
            (gettext("contact"), prospect.person_customer if prospect.sales_lead else ""),
        ]
        shown = [(label, key) for label, key in keys if key]
        if not shown:
            return gettext("Not decided in Sales.")
        return format_html_join(" · ", "{} {}", shown)

    @admin.display(description=_("transitions"))
    def transition_log(self, prospect: Prospect) -> str:
        label = Prospect._meta.label_lower
        entries = [
            {
                "at": short_datetime(entry.created_at),
                "change": f"{state_name(label, entry.source_state)} → "
                f"{state_name(label, entry.target_state)}",
                "actor": entry.actor,
                "reason": entry.reason,
            }
            for entry in TransitionLog.objects.using(DB).filter(
                model=label, object_key=prospect.prospect_number
            )
        ]
        return render_to_string(
            "admin/hq/commerce/prospect/transition_log.html", {"entries": entries}
        )

    def get_urls(self):
        return [
            self.page_path("<path:object_id>/approve/", "approve", self.approve_view),
            self.page_path("<path:object_id>/reject/", "reject", self.reject_view),
            *super().get_urls(),
        ]

    def _refused_now(self, request, prospect: Prospect):
        """With the Sales integration on, a decision page says so at once, not after a form."""
        try:
            decision_allowed_check(decided_in_sales=False)
        except ServiceError as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return HttpResponseRedirect(self.change_url(prospect))
        return None

    def approve_view(self, request, object_id):
        prospect = self.record_for_action(request, object_id)
        if refused := self._refused_now(request, prospect):
            return refused

        def approve(form: ProspectApproveForm) -> str:
            approved = services.prospect_approve(
                prospect_number=prospect.prospect_number, actor=actor_name(request.user)
            )
            return gettext(
                "Prospect %(number)s is approved: customer hierarchy %(hierarchy)s was "
                "created and the approval email to %(email)s is queued."
            ) % {
                "number": approved.prospect_number,
                "hierarchy": approved.customer_hierarchy,
                "email": approved.email,
            }

        return self.action_page(
            request,
            prospect,
            form_class=ProspectApproveForm,
            perform=approve,
            title=gettext("Approve prospect %(number)s") % {"number": prospect.prospect_number},
            intro=approval_consequences(prospect),
            submit_label=gettext("Approve prospect"),
            refused_goes_back=True,
        )

    def reject_view(self, request, object_id):
        prospect = self.record_for_action(request, object_id)
        if refused := self._refused_now(request, prospect):
            return refused

        def reject(form: ProspectRejectForm) -> str:
            services.prospect_reject(
                prospect_number=prospect.prospect_number,
                reason=form.cleaned_data["reason"],
                actor=actor_name(request.user),
            )
            return gettext(
                "Prospect %(number)s is rejected; the decline email to %(email)s is queued."
            ) % {"number": prospect.prospect_number, "email": prospect.email}

        return self.action_page(
            request,
            prospect,
            form_class=ProspectRejectForm,
            perform=reject,
            title=gettext("Reject prospect %(number)s") % {"number": prospect.prospect_number},
            intro=rejection_consequences(prospect),
            submit_label=gettext("Reject prospect"),
            refused_goes_back=True,
        )

    # --- bulk decisions (integration off) ----------------------------------------------------

    def _decide_selected(
        self,
        request,
        queryset,
        *,
        action: str,
        form_class: type[forms.Form],
        decide: Callable[[Prospect, forms.Form], object],
        title: str,
        intro: str,
        submit_label: str,
        done: Callable[[int], str],
    ):
        """The confirmation page of a bulk decision; its submit comes back to the action, which
        decides each prospect through the service and reports how many were done or refused."""
        try:
            decision_allowed_check(decided_in_sales=False)
        except ServiceError as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return None
        prospects = list(queryset.order_by("prospect_number"))
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            refused: list[str] = []
            for prospect in prospects:
                try:
                    decide(prospect, form)
                except (ServiceError, ValidationError) as exc:
                    refused.append(f"{prospect.prospect_number}: {refusal_text(exc)}")
            if count := len(prospects) - len(refused):
                self.message_user(request, done(count), messages.SUCCESS)
            if refused:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d prospect was refused: %(reasons)s",
                        "%(count)d prospects were refused: %(reasons)s",
                        len(refused),
                    )
                    % {"count": len(refused), "reasons": " ".join(refused)},
                    messages.WARNING,
                )
            return None
        selected = [(helpers.ACTION_CHECKBOX_NAME, prospect.pk) for prospect in prospects]
        return self.action_form_response(
            request,
            form=form,
            title=title,
            submit_label=submit_label,
            back_url=self.page_url("changelist"),
            context={
                "intro": intro,
                "prospects": prospects,
                "hidden_fields": [*selected, ("action", action), ("apply", "yes")],
            },
            template=BULK_TEMPLATE,
        )

    @admin.action(description=_("Approve the selected prospects…"))
    def approve_selected(self, request, queryset):
        actor = actor_name(request.user)
        return self._decide_selected(
            request,
            queryset,
            action="approve_selected",
            form_class=ProspectApproveForm,
            decide=lambda prospect, form: services.prospect_approve(
                prospect_number=prospect.prospect_number, actor=actor
            ),
            title=gettext("Approve the selected prospects"),
            intro=gettext(
                "Approving creates, for each new prospect below, the organization and person "
                "customers and the customer hierarchy, and emails its requester an invitation to "
                "the B2B site. A prospect that is no longer new is left as it is."
            ),
            submit_label=gettext("Approve prospects"),
            done=lambda count: (
                ngettext(
                    "%(count)d prospect is approved; its customers, hierarchy and invitation email "
                    "are created.",
                    "%(count)d prospects are approved; their customers, hierarchies and invitation "
                    "emails are created.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject the selected prospects…"))
    def reject_selected(self, request, queryset):
        actor = actor_name(request.user)
        return self._decide_selected(
            request,
            queryset,
            action="reject_selected",
            form_class=ProspectRejectForm,
            decide=lambda prospect, form: services.prospect_reject(
                prospect_number=prospect.prospect_number,
                reason=form.cleaned_data["reason"],
                actor=actor,
            ),
            title=gettext("Reject the selected prospects"),
            intro=gettext(
                "Rejecting closes the request of each new prospect below with this one reason "
                "and emails its requester the “B2B prospect rejected” email. No customer is "
                "created. A prospect that is no longer new is left as it is."
            ),
            submit_label=gettext("Reject prospects"),
            done=lambda count: (
                ngettext(
                    "%(count)d prospect is rejected; its decline email is queued.",
                    "%(count)d prospects are rejected; their decline emails are queued.",
                    count,
                )
                % {"count": count}
            ),
        )
