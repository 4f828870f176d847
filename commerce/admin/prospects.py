"""HQ's prospects (SPEC §3 step 9): the list, a prospect's page, and, while the Sales
integration is off, its Approve and Reject buttons and the same decisions in bulk from the list,
each through a confirmation page that says what will happen."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce import services
from commerce.models import Customer, CustomerHierarchy, Prospect
from consoles.hq import hq_site
from core.access import actor_name
from core.admin.filters import CountryFilter

from .base import DB, CommerceRecordAdmin, language_name, short_datetime
from .logs import transition_log_html
from .prospect_decisions import (
    ProspectApproveForm,
    ProspectBulkDecisions,
    ProspectRejectForm,
    approval_consequences,
    rejection_consequences,
)


@admin.register(Prospect, site=hq_site)
class ProspectAdmin(ProspectBulkDecisions, CommerceRecordAdmin):
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
        return transition_log_html(prospect)

    def get_urls(self):
        return [
            self.page_path("<path:object_id>/approve/", "approve", self.approve_view),
            self.page_path("<path:object_id>/reject/", "reject", self.reject_view),
            *super().get_urls(),
        ]

    def _refused_now(self, request, prospect: Prospect):
        """With the Sales integration on, a decision page says so at once, not after a form."""
        if self.decisions_refused(request):
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
