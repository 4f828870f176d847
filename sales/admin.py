"""The Sales console at /sales/ (SPEC §3 steps 4-8, §10): a Django admin site for sales reps.

Reps get in by their group; Django's staff flag and model permissions play no part.
Back-office staff may open only the lead view "All B2B commerce leads" and those leads'
pages, read-only. Records change only through sales.services; a refusal becomes a message.
"""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES, actor_name, user_in_groups
from core.errors import ServiceError

from . import selectors, services
from .forms import (
    CloseAsLostForm,
    CloseAsWonForm,
    DisqualifyForm,
    NoteForm,
    QualifyForm,
    ReactivateForm,
)
from .models import Account, AddressFields, Contact, Lead, Opportunity


def is_sales_rep(user) -> bool:
    """Sales representatives and superusers."""
    return user_in_groups(user, SALES_REPRESENTATIVES)


def is_back_office(user) -> bool:
    return user_in_groups(user, COMMERCE_BACK_OFFICE)


class SalesAuthenticationForm(AuthenticationForm):
    """Signs in sales reps (and back-office staff, for their one view) by their group."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of a Sales account. "
            "Note that both fields may be case-sensitive."
        ),
    }
    required_css_class = "required"

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not (is_sales_rep(user) or is_back_office(user)):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class SalesAdminSite(admin.AdminSite):
    site_header = _("Sales")
    site_title = _("Sales")
    index_title = _("Sales console")
    site_url = None  # no "View site" link: the console is not part of the B2B site
    login_form = SalesAuthenticationForm

    def has_permission(self, request) -> bool:
        return is_sales_rep(request.user) or is_back_office(request.user)

    def index(self, request, extra_context=None):
        if not is_sales_rep(request.user):  # back office: straight to the one view it may use
            url = reverse("admin:sales_lead_changelist", current_app=self.name)
            query = urlencode({"view": selectors.ALL_B2B_COMMERCE_LEADS})
            return HttpResponseRedirect(f"{url}?{query}")
        return super().index(request, extra_context)


sales_site = SalesAdminSite(name="sales")


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's validation errors, on the form's fields where it has them."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _refusal(exc: ValidationError | ServiceError) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message)


def commerce_decides(record: Lead | Opportunity) -> bool:
    """The Sales integration is off and the record comes from a Commerce partner request, which
    HQ then decides itself (SPEC §3 step 9; sales.services refuses the decision here)."""
    if settings.SALES_INTEGRATION_ENABLED:
        return False
    if isinstance(record, Lead):
        return record.lead_source == Lead.Source.B2B_COMMERCE
    return bool(record.prospect_number)


def decision_banners(record: Lead | Opportunity) -> list[dict]:
    """Warnings at the top of a lead's or an opportunity's page: who decides its open partner
    request now, and a decision that dual-write could not apply in Commerce."""
    banners = []
    if record.status == record.Status.OPEN and commerce_decides(record):
        banners.append(
            {
                "level": "warning",
                "text": gettext(
                    "The Sales integration is off, so Commerce decides partner requests now: "
                    "approve or reject prospect %(number)s in HQ."
                )
                % {"number": record.prospect_number or "—"},
            }
        )
    if record.sync_error:
        banners.append(
            {
                "level": "error",
                "text": gettext("Dual-write could not apply this decision in Commerce: %(error)s")
                % {"error": record.sync_error},
            }
        )
    return banners


class SalesRecordAdmin(admin.ModelAdmin):
    """Reps view records and change them through the update service; nobody deletes here."""

    # One COUNT per page, not two: the unfiltered total is not worth a second table scan.
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return is_sales_rep(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_sales_rep(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_sales_rep(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def update_record(self, pk: int, values: dict) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change) -> None:
        self.update_record(obj.pk, {name: form.cleaned_data[name] for name in form.changed_data})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, ServiceError) as exc:
            self.message_user(request, _refusal(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    # --- record pages with a timeline and intermediate action forms ---------------------------

    def change_url(self, obj) -> str:
        opts = obj._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def action_url(self, obj, action: str) -> str:
        return reverse(
            f"admin:sales_{obj._meta.model_name}_{action}",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def link(self, obj):
        if obj is None:
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', self.change_url(obj), obj)

    def record_for_action(self, request, object_id):
        if not is_sales_rep(request.user):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This record does not exist."))
        return obj

    def action_view(
        self,
        request,
        obj,
        *,
        form: forms.Form,
        title: str,
        submit_label: str,
        perform: Callable[[dict], str],
        template: str = "admin/sales/action_form.html",
        context: dict | None = None,
    ):
        """An intermediate page: a valid POST calls the service (`perform` returns the success
        message) and goes back to the record; a refusal is shown beside the form."""
        if request.method == "POST" and form.is_valid():
            try:
                success = perform(form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, success, messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(obj))
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "submit_label": submit_label,
                "opts": self.opts,
                "original": obj,
                "form": form,
                **(context or {}),
            },
        )


class TimelineAdmin(SalesRecordAdmin):
    """A record page with action buttons, its timeline (newest first) and a note form."""

    change_form_template = "admin/sales/record_change_form.html"

    def record_actions(self, request, obj) -> list[dict]:
        raise NotImplementedError

    def record_banners(self, request, obj) -> list[dict]:
        return decision_banners(obj)

    def timeline(self, obj) -> list[selectors.TimelineEntry]:
        raise NotImplementedError

    def note_add(self, obj, *, text: str, actor: str) -> None:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            rep = is_sales_rep(request.user)
            extra_context = {
                "record_actions": self.record_actions(request, obj) if rep else [],
                "record_banners": self.record_banners(request, obj),
                "timeline": self.timeline(obj),
                "note_form": NoteForm() if rep else None,
                "note_url": self.action_url(obj, "note") if rep else "",
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def note_view(self, request, object_id):
        obj = self.record_for_action(request, object_id)
        form = NoteForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request, " ".join(str(error) for error in form.errors["text"]), messages.ERROR
            )
            return HttpResponseRedirect(self.change_url(obj))
        try:
            self.note_add(obj, text=form.cleaned_data["text"], actor=actor_name(request.user))
        except (ValidationError, ServiceError) as exc:
            self.message_user(request, _refusal(exc), messages.ERROR)
        else:
            self.message_user(request, gettext("The note was added."), messages.SUCCESS)
        return HttpResponseRedirect(self.change_url(obj))

    def action_path(self, action: str, view):
        name = f"sales_{self.opts.model_name}_{action}"
        return path(f"<path:object_id>/{action}/", self.admin_site.admin_view(view), name=name)

    def get_urls(self):
        return [
            self.action_path("note", require_POST(self.note_view)),
            *self.action_urls(),
            *super().get_urls(),
        ]

    def action_urls(self) -> list:
        return []


# --- leads ------------------------------------------------------------------------------------

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


LEAD_CONTACT_FIELDS = ("first_name", "last_name", "job_title", "email", "phone", "language")
LEAD_COMPANY_FIELDS = (
    "company_name",
    "website",
    "tax_id",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "comments",
)


@admin.register(Lead, site=sales_site)
class LeadAdmin(TimelineAdmin):
    change_list_template = "admin/sales/lead/change_list.html"
    list_display = (
        "topic",
        "company_name",
        "contact_name",
        "email",
        "prospect_number",
        "status",
        "status_reason",
        "owner",
        "lead_source",
        "created_at",
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

    def has_add_permission(self, request) -> bool:
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
            lead_fields: tuple[str, ...] = ("topic", "lead_source", "status_reason")
        else:
            lead_fields = (
                "topic",
                "status",
                "status_reason",
                "owner",
                "lead_source",
                "prospect_number",
                "created_by_integration",
                "created_at",
            )
        fieldsets = [
            (_("Lead"), {"fields": lead_fields}),
            (_("Contact"), {"fields": LEAD_CONTACT_FIELDS}),
            (_("Company"), {"fields": LEAD_COMPANY_FIELDS}),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    _("Qualification"),
                    {
                        "fields": (
                            "account_link",
                            "contact_link",
                            "opportunity_link",
                            "version",
                            "updated_at",
                        )
                    },
                )
            )
        return fieldsets

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

    # Timeline and actions.

    def timeline(self, obj):
        return selectors.lead_timeline(lead=obj)

    def note_add(self, obj, *, text: str, actor: str) -> None:
        services.lead_note_add(lead_id=obj.pk, text=text, actor=actor)

    def record_actions(self, request, lead: Lead) -> list[dict]:
        if lead.status == Lead.Status.OPEN and not commerce_decides(lead):
            return [
                {"label": _("Qualify"), "url": self.action_url(lead, "qualify")},
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
        form = QualifyForm(
            request.POST if request.method == "POST" else None, candidates=candidates
        )

        def perform(data: dict) -> str:
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

        return self.action_view(
            request,
            lead,
            form=form,
            perform=perform,
            title=gettext("Qualify lead: %(topic)s") % {"topic": lead.topic},
            submit_label=gettext("Qualify"),
            template="admin/sales/lead/qualify.html",
            context={"duplicates": candidates, "duplicate_reasons": selectors.DUPLICATE_REASONS},
        )

    def disqualify_view(self, request, object_id):
        lead = self.record_for_action(request, object_id)
        form = DisqualifyForm(request.POST if request.method == "POST" else None)

        def perform(data: dict) -> str:
            services.lead_disqualify(
                lead_id=lead.pk,
                status_reason=data["status_reason"],
                description=data["description"],
                actor=actor_name(request.user),
            )
            return gettext("The lead is disqualified.")

        return self.action_view(
            request,
            lead,
            form=form,
            perform=perform,
            title=gettext("Disqualify lead: %(topic)s") % {"topic": lead.topic},
            submit_label=gettext("Disqualify"),
        )

    def reactivate_view(self, request, object_id):
        lead = self.record_for_action(request, object_id)
        form = ReactivateForm(request.POST if request.method == "POST" else None)

        def perform(data: dict) -> str:
            services.lead_reactivate(lead_id=lead.pk, actor=actor_name(request.user))
            return gettext("The lead is open again.")

        return self.action_view(
            request,
            lead,
            form=form,
            perform=perform,
            title=gettext("Reactivate lead: %(topic)s") % {"topic": lead.topic},
            submit_label=gettext("Reactivate"),
        )


# --- opportunities ----------------------------------------------------------------------------


@admin.register(Opportunity, site=sales_site)
class OpportunityAdmin(TimelineAdmin):
    list_display = (
        "opportunity_number",
        "topic",
        "account",
        "contact",
        "owner",
        "status",
        "status_reason",
        "estimated_revenue",
        "actual_revenue",
        "close_date",
        "prospect_number",
    )
    list_filter = ("status", "status_reason")
    search_fields = ("opportunity_number", "topic", "prospect_number", "account__name")
    list_select_related = ("account", "contact")
    fieldsets = (
        (
            _("Opportunity"),
            {
                "fields": (
                    "opportunity_number",
                    "topic",
                    "status",
                    "status_reason",
                    "owner",
                    "estimated_revenue",
                    "description",
                )
            },
        ),
        (
            _("Customer"),
            {"fields": ("account_link", "contact_link", "lead_link", "prospect_number")},
        ),
        (_("Close"), {"fields": ("actual_revenue", "close_date", "competitor", "closes")}),
        (_("Record"), {"fields": ("version", "created_at", "updated_at")}),
    )
    readonly_fields = (
        "opportunity_number",
        "status",
        "owner",
        "account_link",
        "contact_link",
        "lead_link",
        "prospect_number",
        "actual_revenue",
        "close_date",
        "competitor",
        "closes",
        "version",
        "created_at",
        "updated_at",
    )

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

    @admin.display(description=_("close records"))
    def closes(self, opportunity: Opportunity):
        rows = [
            (
                close.get_outcome_display(),
                close.get_status_reason_display(),
                close.actual_revenue if close.actual_revenue is not None else "",
                close.close_date,
                close.competitor,
                close.description,
                close.closed_by,
            )
            for close in opportunity.closes.all()
        ]
        if not rows:
            return self.get_empty_value_display()
        return format_html_join("\n", "<div>{} ({}) {} · {} · {} · {} — {}</div>", rows)

    def update_record(self, pk: int, values: dict) -> None:
        services.opportunity_update(opportunity_id=pk, values=values)

    def timeline(self, obj):
        return selectors.opportunity_timeline(opportunity=obj)

    def note_add(self, obj, *, text: str, actor: str) -> None:
        services.opportunity_note_add(opportunity_id=obj.pk, text=text, actor=actor)

    def record_actions(self, request, opportunity: Opportunity) -> list[dict]:
        if opportunity.status != Opportunity.Status.OPEN or commerce_decides(opportunity):
            return []
        return [
            {"label": _("Close as won"), "url": self.action_url(opportunity, "close-as-won")},
            {"label": _("Close as lost"), "url": self.action_url(opportunity, "close-as-lost")},
        ]

    def action_urls(self) -> list:
        return [
            self.action_path("close-as-won", self.close_as_won_view),
            self.action_path("close-as-lost", self.close_as_lost_view),
        ]

    def close_as_won_view(self, request, object_id):
        opportunity = self.record_for_action(request, object_id)
        form = CloseAsWonForm(request.POST if request.method == "POST" else None)

        def perform(data: dict) -> str:
            services.opportunity_close_as_won(
                opportunity_id=opportunity.pk,
                actual_revenue=data["actual_revenue"],
                close_date=data["close_date"],
                description=data["description"],
                actor=actor_name(request.user),
            )
            return gettext("The opportunity is closed as won.")

        return self.action_view(
            request,
            opportunity,
            form=form,
            perform=perform,
            title=gettext("Close as won: %(opportunity)s") % {"opportunity": opportunity},
            submit_label=gettext("Close as won"),
        )

    def close_as_lost_view(self, request, object_id):
        opportunity = self.record_for_action(request, object_id)
        form = CloseAsLostForm(request.POST if request.method == "POST" else None)

        def perform(data: dict) -> str:
            services.opportunity_close_as_lost(
                opportunity_id=opportunity.pk,
                status_reason=data["status_reason"],
                competitor=data["competitor"],
                close_date=data["close_date"],
                description=data["description"],
                actor=actor_name(request.user),
            )
            return gettext("The opportunity is closed as lost.")

        return self.action_view(
            request,
            opportunity,
            form=form,
            perform=perform,
            title=gettext("Close as lost: %(opportunity)s") % {"opportunity": opportunity},
            submit_label=gettext("Close as lost"),
        )


# --- accounts and contacts --------------------------------------------------------------------

RECORD_FIELDS = ("prospect_number", "version", "created_at", "updated_at")


@admin.register(Account, site=sales_site)
class AccountAdmin(SalesRecordAdmin):
    list_display = (
        "account_number",
        "name",
        "email",
        "phone",
        "city",
        "country",
        "prospect_number",
    )
    search_fields = ("account_number", "name", "email", "prospect_number")
    fieldsets = (
        (
            _("Account"),
            {
                "fields": (
                    "account_number",
                    "name",
                    "email",
                    "phone",
                    "website",
                    "tax_id",
                    "language",
                )
            },
        ),
        (_("Address"), {"fields": AddressFields.ADDRESS_FIELD_NAMES}),
        (_("Related"), {"fields": ("contact_links", "opportunity_links")}),
        (_("Record"), {"fields": RECORD_FIELDS}),
    )
    readonly_fields = (
        "account_number",
        "contact_links",
        "opportunity_links",
        "prospect_number",
        "version",
        "created_at",
        "updated_at",
    )

    def _links(self, records):
        return (
            format_html_join(
                ", ", '<a href="{}">{}</a>', ((self.change_url(r), r) for r in records)
            )
            or self.get_empty_value_display()
        )

    @admin.display(description=_("contacts"))
    def contact_links(self, account: Account):
        return self._links(account.contacts.all())

    @admin.display(description=_("opportunities"))
    def opportunity_links(self, account: Account):
        return self._links(account.opportunities.all())

    def update_record(self, pk: int, values: dict) -> None:
        services.account_update(account_id=pk, values=values)


@admin.register(Contact, site=sales_site)
class ContactAdmin(SalesRecordAdmin):
    list_display = ("contact_number", "full_name", "email", "phone", "account", "prospect_number")
    search_fields = ("contact_number", "first_name", "last_name", "email", "prospect_number")
    list_select_related = ("account",)
    fieldsets = (
        (
            _("Contact"),
            {
                "fields": (
                    "contact_number",
                    "first_name",
                    "last_name",
                    "job_title",
                    "email",
                    "phone",
                    "language",
                    "account_link",
                )
            },
        ),
        (_("Address"), {"fields": AddressFields.ADDRESS_FIELD_NAMES}),
        (_("Record"), {"fields": RECORD_FIELDS}),
    )
    readonly_fields = (
        "contact_number",
        "account_link",
        "prospect_number",
        "version",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("account"))
    def account_link(self, contact: Contact):
        return self.link(contact.account)

    def update_record(self, pk: int, values: dict) -> None:
        services.contact_update(contact_id=pk, values=values)
