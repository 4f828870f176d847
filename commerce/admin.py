"""The Commerce HQ console at /hq/ (SPEC §3 step 9, §6, §8, §10): a Django admin site for staff.

Back-office staff hold no per-model permissions; membership of the back-office group is what
opens the console and its pages. HQ records change only through services (the decision buttons,
retries, "Run now"), never by editing a form; only the celery-beat schedule is edited here,
and only by integration administrators and superusers (SPEC §11).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_celery_beat.admin import (
    CrontabScheduleAdmin,
    IntervalScheduleAdmin,
    PeriodicTaskAdmin,
    PeriodicTaskInline,
)
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from django_fsm import TransitionNotAllowed

from core.access import (
    COMMERCE_BACK_OFFICE,
    INTEGRATION_ADMINISTRATORS,
    actor_name,
    user_in_groups,
)
from core.admin_filters import CountryFilter
from core.currencies import validate_currency
from core.errors import ServiceError
from core.fields import EmailAddressFormField
from core.kicks import task_send
from core.validators import validate_multiline, validate_single_line

from . import jobs, selectors, services, tasks
from .models import (
    AuditEntry,
    ChannelRequest,
    Customer,
    CustomerHierarchy,
    DeclineMessage,
    EmailNotification,
    HierarchyMember,
    JobRun,
    Prospect,
    TransitionLog,
)

DB = "commerce"


def is_hq_staff(user) -> bool:
    """Superusers and back-office staff; a sales rep or a partner user never (SPEC §11)."""
    return user_in_groups(user, COMMERCE_BACK_OFFICE)


def may_enter_hq(user) -> bool:
    """HQ staff, and integration administrators, whose pages are the Dual-write section only
    (the other pages check the back-office group themselves)."""
    return user_in_groups(user, COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS)


class HQAuthenticationForm(AuthenticationForm):
    """Signs in back-office staff by their group; Django's staff flag plays no part."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of a Commerce HQ account. "
            "Note that both fields may be case-sensitive."
        ),
    }
    required_css_class = "required"

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not may_enter_hq(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class HQAdminSite(admin.AdminSite):
    site_header = _("Commerce HQ")
    site_title = _("Commerce HQ")
    index_title = _("Back office")
    index_template = "admin/hq/index.html"
    login_form = HQAuthenticationForm

    def has_permission(self, request) -> bool:
        return may_enter_hq(request.user)

    def each_context(self, request) -> dict:
        return {
            **super().each_context(request),
            "sales_integration_enabled": settings.SALES_INTEGRATION_ENABLED,
        }

    def get_app_list(self, request, app_label=None) -> list[dict]:
        """Lists go by the name staff know them by ("All prospects"), not the model's."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for entry in app["models"]:
                title = getattr(self._registry[entry["model"]], "list_title", None)
                if title:
                    entry["name"] = title
            app["models"].sort(key=lambda entry: str(entry["name"]))
        return app_list


hq_site = HQAdminSite(name="hq")


# --- access -----------------------------------------------------------------------------------


class BackOfficeAccess:
    """Grants a model admin's pages by the back-office group, not by Django model permissions."""

    def has_back_office_permission(self, request) -> bool:
        return is_hq_staff(request.user)

    def has_module_permission(self, request) -> bool:
        return self.has_back_office_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_back_office_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_back_office_permission(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.has_back_office_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_back_office_permission(request)


class ReadOnlyAccess(BackOfficeAccess):
    """Viewing only: HQ records change through services, never by editing them here."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SuperuserOnly:
    """Accounts and groups are managed by superusers alone."""

    def _is_superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return self._is_superuser(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_superuser(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._is_superuser(request)

    def has_add_permission(self, request) -> bool:
        return self._is_superuser(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._is_superuser(request)


class CommerceRecordAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """A read-only list and detail of HQ records, read from the commerce database."""

    # The list page's name where it differs from the model's plural (see HQAdminSite).
    list_title: str | Promise | None = None
    # One COUNT per page, not two: the unfiltered total is not worth a second table scan.
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).using(DB)

    def changelist_view(self, request, extra_context=None):
        if self.list_title:
            extra_context = {"title": self.list_title, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def _admin_url(self, name: str, *args) -> str:
        return reverse(f"admin:{name}", args=args, current_app=self.admin_site.name)

    def _change_url(self, obj) -> str:
        opts = obj._meta
        return self._admin_url(f"{opts.app_label}_{opts.model_name}_change", quote(obj.pk))


def _shortened(text: str) -> str:
    return Truncator(text).chars(80)


def _preformatted(text: str):
    """Text (also an email's HTML source) shown as it is written, escaped, never rendered."""
    if not text:
        return None
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


# --- prospects --------------------------------------------------------------------------------


class ProspectRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        validators=[validate_multiline],
        help_text=_(
            "Kept on the prospect for HQ only. The requester's email carries the customer-facing "
            "decline message for HQ rejections (editable under Decline messages)."
        ),
    )


@admin.register(Prospect, site=hq_site)
class ProspectAdmin(CommerceRecordAdmin):
    list_title = _("All prospects")
    change_form_template = "admin/hq/commerce/prospect/change_form.html"
    reject_template = "admin/hq/commerce/prospect/reject.html"
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
        if record is None:
            return key
        return format_html('<a href="{}">{}</a>', self._change_url(record), record)

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
        decisions = [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(require_POST(self.approve_view)),
                name="commerce_prospect_approve",
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="commerce_prospect_reject",
            ),
        ]
        return decisions + super().get_urls()

    def _decidable_prospect(self, request, object_id) -> Prospect:
        if not self.has_back_office_permission(request):
            raise PermissionDenied
        prospect = self.get_object(request, unquote(object_id))
        if prospect is None:
            raise Http404(gettext("This prospect does not exist."))
        return prospect

    def approve_view(self, request, object_id):
        prospect = self._decidable_prospect(request, object_id)
        try:
            prospect = services.prospect_approve(
                prospect_number=prospect.prospect_number, actor=actor_name(request.user)
            )
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(
                request,
                gettext(
                    "Prospect %(number)s is approved: customer hierarchy %(hierarchy)s was "
                    "created and the approval email to %(email)s is queued."
                )
                % {
                    "number": prospect.prospect_number,
                    "hierarchy": prospect.customer_hierarchy,
                    "email": prospect.email,
                },
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(prospect))

    def reject_view(self, request, object_id):
        prospect = self._decidable_prospect(request, object_id)
        form = ProspectRejectForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                services.prospect_reject(
                    prospect_number=prospect.prospect_number,
                    reason=form.cleaned_data["reason"],
                    actor=actor_name(request.user),
                )
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext(
                        "Prospect %(number)s is rejected; the decline email to %(email)s is queued."
                    )
                    % {"number": prospect.prospect_number, "email": prospect.email},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._change_url(prospect))
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject prospect %(number)s") % {"number": prospect.prospect_number},
            "opts": self.opts,
            "original": prospect,
            "form": form,
        }
        return TemplateResponse(request, self.reject_template, context)


# --- customers and hierarchies ----------------------------------------------------------------


class CreditLimitForm(forms.Form):
    credit_limit = forms.DecimalField(
        label=_("Credit limit"), min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(
        label=_("Currency"),
        min_length=3,
        max_length=3,
        help_text=_("Three-letter ISO 4217 code, such as EUR, PLN or CZK."),
        validators=[validate_currency],
    )
    credit_limit_type = forms.ChoiceField(
        label=_("Credit limit type"),
        choices=Customer.CreditLimitType.choices,
        help_text=_(
            "“Balance” holds orders to the credit limit minus the open balance; "
            "“None” checks no limit."
        ),
    )


class HierarchyMemberChangeForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"), max_length=80, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=80, validators=[validate_single_line]
    )
    role = forms.ChoiceField(label=_("Role"), choices=HierarchyMember.Role.choices)
    spending_limit = forms.DecimalField(
        label=_("Spending limit"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty for no limit."),
    )


class HierarchyMemberAddForm(HierarchyMemberChangeForm):
    email = EmailAddressFormField(label=_("Email"))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("The invitation email is written in this language."),
    )
    field_order = ("first_name", "last_name", "email", "role", "spending_limit", "language")


class HierarchyMemberRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        validators=[validate_multiline],
        help_text=_("Optional; kept in the transition log."),
    )


class ServiceFormPages(CommerceRecordAdmin):
    """Intermediate form pages whose submit calls a service (HQ records are never edited)."""

    service_form_template = "admin/hq/commerce/service_form.html"

    def _service_page(self, request, object_id):
        if not self.has_back_office_permission(request):
            raise PermissionDenied
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404(gettext("This record does not exist."))
        return record

    def _service_refused(self, request, form: forms.Form, exc: ServiceError) -> None:
        """The refusal as a message, and its field errors on the form's fields."""
        for field, errors in exc.details.get("errors", {}).items():
            if field in form.fields:
                form.add_error(field, errors)
        self.message_user(request, exc.message, messages.ERROR)

    def _service_form_response(self, request, record, form, *, title, intro, submit_label):
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "submit_label": submit_label,
            "opts": self.opts,
            "original": record,
            "form": form,
            "cancel_url": self._change_url(record),
        }
        return TemplateResponse(request, self.service_form_template, context)


AUDIT_TRAIL_LENGTH = 100


def _audit_trail(keys: list[str]) -> str:
    """The latest changes of these business keys, newest first, with a link to them all."""
    entries = selectors.audit_entry_list(keys=keys)[:AUDIT_TRAIL_LENGTH]
    all_url = reverse("admin:commerce_auditentry_changelist", current_app=hq_site.name)
    return render_to_string(
        "admin/hq/commerce/audit_trail.html",
        {"entries": entries, "all_url": f"{all_url}?{urlencode({'q': keys[0]})}"},
    )


@admin.register(Customer, site=hq_site)
class CustomerAdmin(ServiceFormPages):
    change_form_template = "admin/hq/commerce/customer/change_form.html"
    list_display = (
        "account_number",
        "party_type",
        "name",
        "email",
        "country",
        "credit_limit",
        "currency",
        "credit_limit_type",
        "balance",
        "blocked",
        "prospect_number",
    )
    list_filter = ("party_type", "blocked", "credit_limit_type")
    search_fields = ("account_number", "name", "email", "last_name", "prospect_number")
    readonly_fields = ("available_credit_display", "audit_trail")
    party_fieldsets = (
        (
            _("Customer"),
            {
                "fields": (
                    "account_number",
                    "party_type",
                    "name",
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "job_title",
                    "language",
                    "tax_id",
                    "website",
                    "blocked",
                    "prospect_number",
                )
            },
        ),
        (_("Address"), {"fields": ("street", "city", "state", "postal_code", "country")}),
    )
    credit_fieldset = (
        _("Credit"),
        {
            "fields": (
                "credit_limit",
                "currency",
                "credit_limit_type",
                "balance",
                "available_credit_display",
            )
        },
    )
    audit_fieldset = (_("Audit trail"), {"fields": ("audit_trail",)})

    def get_fieldsets(self, request, obj=None):
        fieldsets = [*self.party_fieldsets]
        if obj is not None and obj.party_type == Customer.PartyType.ORGANIZATION:
            fieldsets.append(self.credit_fieldset)
        return [*fieldsets, self.audit_fieldset]

    @admin.display(description=_("available credit"))
    def available_credit_display(self, customer: Customer) -> str:
        if customer.available_credit is None:
            return gettext("No limit is checked (credit limit type “None”).")
        return f"{customer.available_credit} {customer.currency}"

    @admin.display(description=_("changes"))
    def audit_trail(self, customer: Customer) -> str:
        return _audit_trail([customer.account_number])

    def get_urls(self):
        credit_limit = path(
            "<path:object_id>/credit-limit/",
            self.admin_site.admin_view(self.credit_limit_view),
            name="commerce_customer_credit_limit",
        )
        return [credit_limit, *super().get_urls()]

    def credit_limit_view(self, request, object_id):
        customer = self._service_page(request, object_id)
        if customer.party_type != Customer.PartyType.ORGANIZATION:
            self.message_user(
                request,
                gettext("Credit limits are kept on organizations, not on persons."),
                messages.ERROR,
            )
            return HttpResponseRedirect(self._change_url(customer))
        form = CreditLimitForm(
            request.POST if request.method == "POST" else None,
            initial={
                "credit_limit": customer.credit_limit,
                "currency": customer.currency,
                "credit_limit_type": customer.credit_limit_type,
            },
        )
        if form.is_valid():
            try:
                customer = services.customer_credit_limit_set(
                    account_number=customer.account_number,
                    actor=actor_name(request.user),
                    **form.cleaned_data,
                )
            except ServiceError as exc:
                self._service_refused(request, form, exc)
            else:
                self.message_user(
                    request,
                    gettext("The credit limit of %(name)s is saved.") % {"name": customer.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(customer))
        return self._service_form_response(
            request,
            customer,
            form,
            title=gettext("Credit limit of %(name)s") % {"name": customer.name},
            intro=gettext("The open balance is %(balance)s %(currency)s; it is kept by the orders.")
            % {"balance": customer.balance, "currency": customer.currency},
            submit_label=gettext("Save credit limit"),
        )


class HierarchyMemberInline(ReadOnlyAccess, admin.TabularInline):
    model = HierarchyMember
    fields = (
        "customer",
        "email",
        "role",
        "spending_limit_display",
        "status",
        "member_actions",
    )
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).using(DB).select_related("customer", "hierarchy")

    @admin.display(description=_("email"))
    def email(self, member: HierarchyMember) -> str:
        return member.customer.email

    @admin.display(description=_("spending limit"))
    def spending_limit_display(self, member: HierarchyMember) -> str:
        if member.spending_limit is None:
            return gettext("No limit")
        return str(member.spending_limit)

    @admin.display(description=_("actions"))
    def member_actions(self, member: HierarchyMember) -> str:
        if member.status == HierarchyMember.Status.REMOVED:
            return ""
        args = (quote(member.hierarchy.pk), member.customer.account_number)
        return format_html(
            '<a href="{}" class="changelink">{}</a> <a href="{}" class="deletelink">{}</a>',
            reverse(
                "admin:commerce_customerhierarchy_member_change",
                args=args,
                current_app=self.admin_site.name,
            ),
            gettext("Change…"),
            reverse(
                "admin:commerce_customerhierarchy_member_remove",
                args=args,
                current_app=self.admin_site.name,
            ),
            gettext("Remove…"),
        )


@admin.register(CustomerHierarchy, site=hq_site)
class CustomerHierarchyAdmin(ServiceFormPages):
    change_form_template = "admin/hq/commerce/customerhierarchy/change_form.html"
    list_display = ("hierarchy_id", "name", "purpose", "organization", "prospect_number")
    list_select_related = ("organization",)
    search_fields = ("hierarchy_id", "name", "organization__account_number", "prospect_number")
    inlines = (HierarchyMemberInline,)
    fields = (
        "hierarchy_id",
        "name",
        "purpose",
        "organization",
        "prospect_number",
        "created_at",
        "audit_trail",
    )

    @admin.display(description=_("audit trail"))
    def audit_trail(self, hierarchy: CustomerHierarchy) -> str:
        accounts = hierarchy.members.using(DB).values_list("customer__account_number", flat=True)
        return _audit_trail([hierarchy.hierarchy_id, *accounts])

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_urls(self):
        member_pages = [
            path(
                "<path:object_id>/members/add/",
                self.admin_site.admin_view(self.member_add_view),
                name="commerce_customerhierarchy_member_add",
            ),
            path(
                "<path:object_id>/members/<str:account_number>/change/",
                self.admin_site.admin_view(self.member_change_view),
                name="commerce_customerhierarchy_member_change",
            ),
            path(
                "<path:object_id>/members/<str:account_number>/remove/",
                self.admin_site.admin_view(self.member_remove_view),
                name="commerce_customerhierarchy_member_remove",
            ),
        ]
        return member_pages + super().get_urls()

    def _member(self, request, hierarchy: CustomerHierarchy, account_number: str):
        member = (
            selectors.hierarchy_member_list(hierarchy_id=hierarchy.hierarchy_id)
            .exclude(status=HierarchyMember.Status.REMOVED)
            .filter(customer__account_number=account_number)
            .first()
        )
        if member is None:
            raise Http404(gettext("This user is not in the hierarchy."))
        return member

    def member_add_view(self, request, object_id):
        hierarchy = self._service_page(request, object_id)
        form = HierarchyMemberAddForm(
            request.POST if request.method == "POST" else None,
            initial={
                "role": HierarchyMember.Role.USER,
                "language": hierarchy.organization.language,
            },
        )
        if form.is_valid():
            try:
                member = services.hierarchy_member_add(
                    hierarchy_id=hierarchy.hierarchy_id,
                    actor=actor_name(request.user),
                    **form.cleaned_data,
                )
            except ServiceError as exc:
                self._service_refused(request, form, exc)
            else:
                self.message_user(
                    request,
                    gettext(
                        "%(name)s (%(account)s) is added to %(company)s; the invitation to "
                        "%(email)s is queued."
                    )
                    % {
                        "name": member.customer.name,
                        "account": member.customer.account_number,
                        "company": hierarchy.name,
                        "email": member.customer.email,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(hierarchy))
        return self._service_form_response(
            request,
            hierarchy,
            form,
            title=gettext("Add a user to %(company)s") % {"company": hierarchy.name},
            intro=gettext(
                "HQ creates a person customer for the user, adds them to the hierarchy as "
                "pending and emails them an invitation to set a password on the B2B site."
            ),
            submit_label=gettext("Add user"),
        )

    def member_change_view(self, request, object_id, account_number: str):
        hierarchy = self._service_page(request, object_id)
        member = self._member(request, hierarchy, account_number)
        form = HierarchyMemberChangeForm(
            request.POST if request.method == "POST" else None,
            initial={
                "first_name": member.customer.first_name,
                "last_name": member.customer.last_name,
                "role": member.role,
                "spending_limit": member.spending_limit,
            },
        )
        if form.is_valid():
            try:
                member = services.hierarchy_member_change(
                    hierarchy_id=hierarchy.hierarchy_id,
                    account_number=account_number,
                    actor=actor_name(request.user),
                    values=form.cleaned_data,
                )
            except ServiceError as exc:
                self._service_refused(request, form, exc)
            else:
                self.message_user(
                    request,
                    gettext("The changes to %(name)s are saved.") % {"name": member.customer.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(hierarchy))
        return self._service_form_response(
            request,
            hierarchy,
            form,
            title=gettext("Change %(name)s") % {"name": member.customer.name},
            intro=gettext("%(name)s is a user of %(company)s (%(status)s).")
            % {
                "name": member.customer.name,
                "company": hierarchy.name,
                "status": member.get_status_display().lower(),
            },
            submit_label=gettext("Save"),
        )

    def member_remove_view(self, request, object_id, account_number: str):
        hierarchy = self._service_page(request, object_id)
        member = self._member(request, hierarchy, account_number)
        form = HierarchyMemberRemoveForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                services.hierarchy_member_remove(
                    hierarchy_id=hierarchy.hierarchy_id,
                    account_number=account_number,
                    actor=actor_name(request.user),
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(name)s is removed from %(company)s.")
                    % {"name": member.customer.name, "company": hierarchy.name},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._change_url(hierarchy))
        return self._service_form_response(
            request,
            hierarchy,
            form,
            title=gettext("Remove %(name)s") % {"name": member.customer.name},
            intro=gettext(
                "%(name)s (%(email)s) leaves %(company)s and loses access to the B2B site."
            )
            % {
                "name": member.customer.name,
                "email": member.customer.email,
                "company": hierarchy.name,
            },
            submit_label=gettext("Remove user"),
        )


# --- jobs and staged channel requests ---------------------------------------------------------


@admin.register(JobRun, site=hq_site)
class JobRunAdmin(CommerceRecordAdmin):
    change_list_template = "admin/hq/commerce/jobrun/change_list.html"
    list_display = (
        "job",
        "trigger",
        "started_at",
        "last_seen_at",
        "finished_at",
        "duration",
        "rows",
        "errors",
        "outcome",
        "short_message",
    )
    list_filter = ("job", "outcome")

    @admin.display(description=_("duration"))
    def duration(self, run: JobRun):
        seconds = run.duration_seconds
        return None if seconds is None else gettext("%(seconds).1f s") % {"seconds": seconds}

    @admin.display(description=_("message"))
    def short_message(self, run: JobRun) -> str:
        return _shortened(run.message)

    def get_urls(self):
        run_now = path(
            "run/<slug:job_slug>/",
            self.admin_site.admin_view(require_POST(self.run_now_view)),
            name="commerce_jobrun_run",
        )
        return [run_now, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        context = {"runnable_jobs": list(jobs.JOBS.values()), **(extra_context or {})}
        return super().changelist_view(request, context)

    def run_now_view(self, request, job_slug: str):
        """Hands the job to the workers; its run shows up in the list once it starts."""
        if not self.has_back_office_permission(request):
            raise PermissionDenied
        try:
            job = jobs.job_lookup(job_slug)
            task_send(tasks.job_run, job.code, "hand")
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("“%(job)s” is started; its run is listed here.") % {"job": job.name},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._admin_url("commerce_jobrun_changelist"))


@admin.register(ChannelRequest, site=hq_site)
class ChannelRequestAdmin(CommerceRecordAdmin):
    list_title = _("Staged channel requests")
    list_display = (
        "request_id",
        "request_type",
        "email",
        "state",
        "short_error",
        "attempts",
        "staged_at",
        "processed_at",
    )
    list_filter = ("state", "request_type")
    search_fields = ("email",)
    actions = ("retry",)

    @admin.display(description=_("error"))
    def short_error(self, staged: ChannelRequest) -> str:
        return _shortened(staged.error)

    @admin.action(description=_("Retry the selected failed requests"))
    def retry(self, request, queryset) -> None:
        actor = actor_name(request.user)
        retried = skipped = 0
        for staged in queryset:
            try:
                jobs.channel_request_retry(request_id=staged.request_id, actor=actor)
            except TransitionNotAllowed:
                skipped += 1
            else:
                retried += 1
        if retried:
            self.message_user(
                request,
                gettext("%(count)d staged requests went back to the sync job.")
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext("%(count)d selected requests had not failed and were left as they are.")
                % {"count": skipped},
                messages.WARNING,
            )


# --- emails and the transition log ------------------------------------------------------------


@admin.register(EmailNotification, site=hq_site)
class EmailNotificationAdmin(CommerceRecordAdmin):
    list_display = (
        "type",
        "recipient",
        "language",
        "subject",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "short_last_error",
    )
    list_filter = ("type", "status")
    search_fields = ("recipient",)
    actions = ("send_again",)
    readonly_fields = ("text_body", "html_source")
    fieldsets = (
        (
            _("Email"),
            {"fields": ("notification_id", "type", "recipient", "language", "subject")},
        ),
        (
            _("Delivery"),
            {
                "fields": (
                    "status",
                    "attempts",
                    "created_at",
                    "next_attempt_at",
                    "sent_at",
                    "last_error",
                )
            },
        ),
        (_("Body"), {"fields": ("text_body", "html_source")}),
    )

    @admin.display(description=_("last error"))
    def short_last_error(self, notification: EmailNotification) -> str:
        return _shortened(notification.last_error)

    @admin.display(description=_("text"))
    def text_body(self, notification: EmailNotification):
        return _preformatted(selectors.email_notification_content(notification).body_text)

    @admin.display(description=_("HTML source"))
    def html_source(self, notification: EmailNotification):
        return _preformatted(selectors.email_notification_content(notification).body_html)

    @admin.action(description=_("Send the selected failed emails again"))
    def send_again(self, request, queryset) -> None:
        queued = skipped = 0
        for notification in queryset:
            try:
                services.email_notification_retry(notification_id=notification.pk)
            except ServiceError:
                skipped += 1
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                gettext("%(count)d emails are queued to be sent again.") % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext("%(count)d selected emails had not failed and were left as they are.")
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(TransitionLog, site=hq_site)
class TransitionLogAdmin(CommerceRecordAdmin):
    list_title = _("Transition log")
    list_display = (
        "created_at",
        "model",
        "object_key",
        "transition",
        "source_state",
        "target_state",
        "actor",
        "reason",
    )
    list_filter = ("model",)
    search_fields = ("object_key",)


@admin.register(AuditEntry, site=hq_site)
class AuditEntryAdmin(CommerceRecordAdmin):
    list_title = _("Audit trail")
    list_display = (
        "created_at",
        "actor",
        "model",
        "object_key",
        "field",
        "old_value",
        "new_value",
    )
    list_filter = ("model", "field")
    search_fields = ("object_key",)


# --- schedules (celery-beat, in `default`) and accounts ---------------------------------------


class ScheduleAccess(BackOfficeAccess):
    """Schedules are seen and changed by integration administrators and superusers only; back
    office never (SPEC §11): running or disabling a job's schedule is an integration operation."""

    def has_back_office_permission(self, request) -> bool:
        return user_in_groups(request.user, INTEGRATION_ADMINISTRATORS)


class ScheduleTasksInline(ScheduleAccess, ReadOnlyAccess, PeriodicTaskInline):
    pass


@admin.register(PeriodicTask, site=hq_site)
class HQPeriodicTaskAdmin(ScheduleAccess, PeriodicTaskAdmin):
    pass


@admin.register(IntervalSchedule, site=hq_site)
class HQIntervalScheduleAdmin(ScheduleAccess, IntervalScheduleAdmin):
    inlines = (ScheduleTasksInline,)


@admin.register(CrontabSchedule, site=hq_site)
class HQCrontabScheduleAdmin(ScheduleAccess, CrontabScheduleAdmin):
    inlines = (ScheduleTasksInline,)


@admin.register(get_user_model(), site=hq_site)
class HQUserAdmin(SuperuserOnly, UserAdmin):
    pass


@admin.register(Group, site=hq_site)
class HQGroupAdmin(SuperuserOnly, GroupAdmin):
    pass


# --- decline messages (SPEC §9) ---------------------------------------------------------------


class DeclineMessageForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    text = forms.CharField(
        label=_("customer-facing message"),
        max_length=services.DECLINE_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        validators=[validate_multiline],
        help_text=_(
            "The decline email shows this paragraph to the customer, in this language. Never "
            "name a competitor, the internal reason or a rep's notes."
        ),
    )

    class Meta:
        model = DeclineMessage
        fields = ("category", "language", "text")


@admin.register(DeclineMessage, site=hq_site)
class DeclineMessageAdmin(BackOfficeAccess, admin.ModelAdmin):
    """The back office words the decline email per reason category and language; saved
    through `decline_message_set`. The generic lines are the fallback, so none is deleted."""

    form = DeclineMessageForm
    list_display = ("category", "language", "short_text", "updated_at", "updated_by")
    list_filter = ("category", "language")
    search_fields = ("text",)

    def get_queryset(self, request):
        return super().get_queryset(request).using(DB)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("category", "language", "text")
        return ("category", "language", "text", "updated_at", "updated_by")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("category", "language", "updated_at", "updated_by")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("customer-facing message"))
    def short_text(self, message: DeclineMessage) -> str:
        return _shortened(message.text)

    def save_model(self, request, obj, form, change) -> None:
        saved = services.decline_message_set(
            category=obj.category,
            language=obj.language,
            text=obj.text,
            actor=actor_name(request.user),
        )
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by
        obj._state.adding, obj._state.db = False, DB


from . import admin_sign_in  # noqa: E402, F401  (registers sign-in attempts on hq_site)
