"""The Sales console's leads (SPEC §3 steps 4-5): the view switcher, the lead form in its
sections, and the Qualify, Disqualify and Reactivate buttons. Back-office staff see the B2B
commerce leads only, read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consoles.sales import sales_site
from core.access import COMMERCE_BACK_OFFICE, actor_name, user_in_groups
from sales import selectors, services
from sales.forms import DisqualifyForm, QualifyForm
from sales.models import Lead

from .base import TimelineAdmin, commerce_decides, is_sales_rep
from .consequences import disqualify_consequences, qualify_consequences, reactivate_consequences
from .process import lead_process


def is_back_office(user) -> bool:
    return user_in_groups(user, COMMERCE_BACK_OFFICE)


ALL_LEADS = "all"


def lead_views_for(user) -> list[tuple[str, str | Promise]]:
    """The lead views a user may switch between; the first is their default."""
    if is_sales_rep(user):
        return [*selectors.LEAD_VIEWS.items(), (ALL_LEADS, _("All leads"))]
    all_b2b = selectors.ALL_B2B_COMMERCE_LEADS
    return [(all_b2b, selectors.LEAD_VIEWS[all_b2b])]


def selected_lead_view(request) -> str:
    views = dict(lead_views_for(request.user))
    asked = request.GET.get("view")
    return asked if asked in views else next(iter(views))


class LeadViewFilter(admin.SimpleListFilter):
    """The view switcher: "My open leads" (reps' default) or "All B2B commerce leads"."""

    title = _("view")
    parameter_name = "view"

    def __init__(self, request, params, model, model_admin):
        self.selected = selected_lead_view(request)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return lead_views_for(request.user)

    def queryset(self, request, queryset):
        return selectors.leads_in_view(
            queryset, view=self.selected, user_name=actor_name(request.user)
        )

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": lookup == self.selected,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


# Two short fields a row where they belong together, so the sections stay compact.
LEAD_CONTACT_FIELDS = (("first_name", "last_name"), "job_title", ("email", "phone"), "language")
LEAD_COMPANY_FIELDS = (
    "company_name",
    ("website", "tax_id"),
    "street",
    ("postal_code", "city"),
    ("state", "country"),
    "comments",
)


@admin.register(Lead, site=sales_site)
class LeadAdmin(TimelineAdmin):
    change_list_template = "admin/sales/lead/change_list.html"
    # What fits at 1280 px; the source and the email are a filter and a click away.
    list_display = (
        "topic",
        "company_name",
        "contact_name",
        "prospect",
        "status_with_reason",
        "owner",
        "created_on",
    )
    list_filter = (LeadViewFilter, "status", "lead_source")
    search_fields = ("topic", "company_name", "last_name", "email", "prospect_number")
    list_select_related = ("account", "contact")

    # Back-office staff: the B2B commerce leads, read-only.

    def has_module_permission(self, request) -> bool:
        return is_sales_rep(request.user) or is_back_office(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if is_sales_rep(request.user):
            return True
        return is_back_office(request.user) and (
            obj is None or obj.lead_source == Lead.Source.B2B_COMMERCE
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return is_sales_rep(request.user) and (obj is None or obj.status == Lead.Status.OPEN)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_sales_rep(request.user)

    def get_queryset(self, request):
        leads = super().get_queryset(request)
        if not is_sales_rep(request.user):
            leads = leads.filter(lead_source=Lead.Source.B2B_COMMERCE)
        return leads

    def changelist_view(self, request, extra_context=None):
        selected = selected_lead_view(request)
        url = reverse("admin:sales_lead_changelist", current_app=self.admin_site.name)
        views = [
            {
                "label": label,
                "url": f"{url}?{urlencode({'view': slug})}",
                "selected": slug == selected,
            }
            for slug, label in lead_views_for(request.user)
        ]
        title = dict(lead_views_for(request.user))[selected]
        extra_context = {"title": title, "lead_views": views, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # The form: Lead, Contact and Company sections (SPEC §3 step 4).

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            lead_fields: tuple = ("topic", "lead_source", "status_reason")
        else:
            lead_fields = (
                "topic",
                ("status", "status_reason"),
                ("owner", "lead_source"),
                ("prospect_number", "created_at"),
            )
        fieldsets = [(_("Lead"), {"fields": lead_fields})]
        if obj is not None and obj.status == Lead.Status.QUALIFIED:
            # What the lead became, before what it was.
            links = ("account_link", "contact_link", "opportunity_link")
            fieldsets.append((_("Qualification"), {"fields": links}))
        fieldsets += [
            (_("Contact"), {"fields": LEAD_CONTACT_FIELDS}),
            (_("Company"), {"fields": LEAD_COMPANY_FIELDS}),
        ]
        if obj is not None:
            record = ("created_by_integration", "version", "updated_at")
            fieldsets.append((_("Record"), {"fields": record, "classes": ("collapse",)}))
        return self.language_by_name(request, obj, fieldsets)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "status",
            "owner",
            "lead_source",
            "prospect_number",
            "created_by_integration",
            "created_at",
            "updated_at",
            "version",
            "account_link",
            "contact_link",
            "opportunity_link",
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status_reason":
            kwargs["choices"] = [(reason.value, reason.label) for reason in Lead.OPEN_REASONS]
        elif db_field.name == "lead_source":
            kwargs["choices"] = [
                (source.value, source.label)
                for source in Lead.Source
                if source != Lead.Source.B2B_COMMERCE
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description=_("contact"), ordering="last_name")
    def contact_name(self, lead: Lead) -> str:
        return lead.full_name

    @admin.display(description=_("account"))
    def account_link(self, lead: Lead):
        return self.link(lead.account)

    @admin.display(description=_("contact"))
    def contact_link(self, lead: Lead):
        return self.link(lead.contact)

    @admin.display(description=_("opportunity"))
    def opportunity_link(self, lead: Lead):
        return self.link(getattr(lead, "opportunity", None))

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        lead = services.lead_create(values=dict(form.cleaned_data), actor=actor_name(request.user))
        obj.pk = lead.pk

    def update_record(self, pk: int, values: dict) -> None:
        services.lead_update(lead_id=pk, values=values)

    # Process bar, timeline and actions.

    def process(self, obj):
        return lead_process(obj)

    def timeline(self, obj):
        return selectors.lead_timeline(lead=obj)

    def note_add(self, obj, *, text: str, actor: str) -> None:
        services.lead_note_add(lead_id=obj.pk, text=text, actor=actor)

    def record_actions(self, request, lead: Lead) -> list[dict]:
        if lead.status == Lead.Status.OPEN and not commerce_decides(lead):
            return [
                {"label": _("Qualify"), "url": self.action_url(lead, "qualify"), "primary": True},
                {"label": _("Disqualify"), "url": self.action_url(lead, "disqualify")},
            ]
        if lead.status == Lead.Status.DISQUALIFIED:
            return [{"label": _("Reactivate"), "url": self.action_url(lead, "reactivate")}]
        return []

    def action_urls(self) -> list:
        return [
            self.action_path("qualify", self.qualify_view),
            self.action_path("disqualify", self.disqualify_view),
            self.action_path("reactivate", self.reactivate_view),
        ]

    def qualify_view(self, request, object_id):
        lead = self.record_for_action(request, object_id)
        candidates = selectors.duplicate_candidates(
            company_name=lead.company_name, email=lead.email
        )

        def qualify(form: QualifyForm) -> str:
            result = services.lead_qualify(
                lead_id=lead.pk, actor=actor_name(request.user), **form.service_arguments()
            )
            created = [
                str(record)
                for record in (result.account, result.contact, result.opportunity)
                if record is not None
            ]
            return gettext("The lead is qualified: %(records)s.") % {
                "records": "; ".join(created) or gettext("no records created")
            }

        return self.action_page(
            request,
            lead,
            form_class=QualifyForm,
            form_kwargs={"candidates": candidates, "admin_site": self.admin_site},
            perform=qualify,
            title=gettext("Qualify lead: %(topic)s") % {"topic": lead.topic},
            submit_label=gettext("Qualify"),
            template="admin/sales/lead/qualify.html",
            context={
                "consequences": qualify_consequences(lead),
                "duplicates": candidates,
                "duplicate_reasons": selectors.DUPLICATE_REASONS,
            },
        )

    def disqualify_view(self, request, object_id):
        lead = self.record_for_action(request, object_id)

        def disqualify(form: DisqualifyForm) -> str:
            services.lead_disqualify(
                lead_id=lead.pk,
                status_reason=form.cleaned_data["status_reason"],
                description=form.cleaned_data["description"],
                actor=actor_name(request.user),
            )
            return gettext("The lead is disqualified.")

        return self.action_page(
            request,
            lead,
            form_class=DisqualifyForm,
            perform=disqualify,
            title=gettext("Disqualify lead: %(topic)s") % {"topic": lead.topic},
            submit_label=gettext("Disqualify"),
            context={"consequences": disqualify_consequences(lead)},
        )

    def reactivate_view(self, request, object_id):
        lead = self.record_for_action(request, object_id)

        def reactivate() -> str:
            services.lead_reactivate(lead_id=lead.pk, actor=actor_name(request.user))
            return gettext("The lead is open again.")

        return self.confirm_page(
            request,
            lead,
            perform=reactivate,
            title=gettext("Reactivate lead: %(topic)s") % {"topic": lead.topic},
            submit_label=gettext("Reactivate"),
            consequences=reactivate_consequences(lead),
        )
