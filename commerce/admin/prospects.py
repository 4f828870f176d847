"""HQ's prospects (SPEC §3 step 9): the list, a prospect's page, and its Approve and Reject
buttons while the Sales integration is off."""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce import services
from commerce.models import Customer, CustomerHierarchy, Prospect, TransitionLog
from consoles.hq import hq_site
from core.access import actor_name
from core.admin.filters import CountryFilter
from core.admin.forms import reason_field

from .base import DB, CommerceRecordAdmin


class ProspectRejectForm(forms.Form):
    reason = reason_field(
        rows=4,
        help_text=_(
            "Kept on the prospect for HQ only. The requester's email carries the customer-facing "
            "decline message for HQ rejections (editable under Decline messages)."
        ),
    )


@admin.register(Prospect, site=hq_site)
class ProspectAdmin(CommerceRecordAdmin):
    list_title = _("All prospects")
    change_form_template = "admin/hq/commerce/prospect/change_form.html"
    list_display = (
        "prospect_number",
        "company_name",
        "contact_name",
        "email",
        "country",
        "status",
        "created_at",
    )
    list_filter = ("status", ("country", CountryFilter))
    search_fields = ("prospect_number", "company_name", "email", "last_name")
    readonly_fields = (
        "organization_customer_link",
        "person_customer_link",
        "customer_hierarchy_link",
        "sales_records",
        "transition_log",
    )
    fieldsets = (
        (
            _("Prospect"),
            {"fields": ("prospect_number", "prospect_type", "channel", "request_id", "created_at")},
        ),
        (
            _("Contact"),
            {"fields": ("first_name", "last_name", "email", "phone", "job_title", "language")},
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

    @admin.display(description=_("contact name"), ordering="last_name")
    def contact_name(self, prospect: Prospect) -> str:
        return prospect.full_name

    def _link(self, model, lookup: str, key: str):
        """A business key shown as a link to its record (the key alone if the record is gone)."""
        if not key:
            return None
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
        entries = TransitionLog.objects.using(DB).filter(
            model=Prospect._meta.label_lower, object_key=prospect.prospect_number
        )
        return render_to_string(
            "admin/hq/commerce/prospect/transition_log.html", {"entries": entries}
        )

    def get_urls(self):
        return [
            self.page_path(
                "<path:object_id>/approve/", "approve", self.approve_view, post_only=True
            ),
            self.page_path("<path:object_id>/reject/", "reject", self.reject_view),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        prospect = self.record_for_action(request, object_id)

        def approve() -> str:
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

        return self.action_button(request, approve, then=self.change_url(prospect))

    def reject_view(self, request, object_id):
        prospect = self.record_for_action(request, object_id)

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
            intro=gettext(
                "Reject the request of %(company)s (%(name)s, %(email)s). The requester receives "
                "the “B2B prospect rejected” email."
            )
            % {
                "company": prospect.company_name,
                "name": prospect.full_name,
                "email": prospect.email,
            },
            submit_label=gettext("Reject prospect"),
            refused_goes_back=True,
        )
