"""HQ's customer hierarchies (SPEC §8): a company's users, added, changed and removed through
the member services from the hierarchy's page."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce import selectors, services
from commerce.models import CustomerHierarchy, HierarchyMember
from consoles.hq import hq_site
from core.access import COMMERCE_BACK_OFFICE, actor_name
from core.admin.access import ReadOnlyAccess
from core.admin.forms import reason_field
from core.fields import EmailAddressFormField
from core.validators import validate_single_line

from .base import DB, CommerceRecordAdmin, audit_trail


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
    monthly_spending_limit = forms.DecimalField(
        label=_("Monthly spending limit"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_(
            "What the user's orders of a calendar month may come to before one waits for an "
            "admin's approval; leave empty for no monthly limit."
        ),
    )


class HierarchyMemberAddForm(HierarchyMemberChangeForm):
    email = EmailAddressFormField(label=_("Email"))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("The invitation email is written in this language."),
    )
    field_order = (
        "first_name",
        "last_name",
        "email",
        "role",
        "spending_limit",
        "monthly_spending_limit",
        "language",
    )


class HierarchyMemberRemoveForm(forms.Form):
    reason = reason_field(required=False, help_text=_("Optional; kept in the transition log."))


class HierarchyMemberInline(ReadOnlyAccess, admin.TabularInline):
    access_groups = (COMMERCE_BACK_OFFICE,)
    model = HierarchyMember
    fields = (
        "customer",
        "email",
        "role",
        "spending_limit_display",
        "monthly_spending_limit_display",
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

    @staticmethod
    def _limit(member: HierarchyMember, limit) -> str:
        if limit is None:
            return gettext("No limit")
        return str(limit)

    @admin.display(description=_("spending limit"))
    def spending_limit_display(self, member: HierarchyMember) -> str:
        return self._limit(member, member.spending_limit)

    @admin.display(description=_("monthly spending limit"))
    def monthly_spending_limit_display(self, member: HierarchyMember) -> str:
        return self._limit(member, member.monthly_spending_limit)

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
class CustomerHierarchyAdmin(CommerceRecordAdmin):
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
        return audit_trail([hierarchy.hierarchy_id, *accounts])

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_urls(self):
        member = "<path:object_id>/members/<str:account_number>"
        return [
            self.page_path("<path:object_id>/members/add/", "member_add", self.member_add_view),
            self.page_path(f"{member}/change/", "member_change", self.member_change_view),
            self.page_path(f"{member}/remove/", "member_remove", self.member_remove_view),
            *super().get_urls(),
        ]

    def _member(self, hierarchy: CustomerHierarchy, account_number: str) -> HierarchyMember:
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
        hierarchy = self.record_for_action(request, object_id)

        def add(form: HierarchyMemberAddForm) -> str:
            member = services.hierarchy_member_add(
                hierarchy_id=hierarchy.hierarchy_id,
                actor=actor_name(request.user),
                **form.cleaned_data,
            )
            return gettext(
                "%(name)s (%(account)s) is added to %(company)s; the invitation to "
                "%(email)s is queued."
            ) % {
                "name": member.customer.name,
                "account": member.customer.account_number,
                "company": hierarchy.name,
                "email": member.customer.email,
            }

        return self.action_page(
            request,
            hierarchy,
            form_class=HierarchyMemberAddForm,
            form_kwargs={
                "initial": {
                    "role": HierarchyMember.Role.USER,
                    "language": hierarchy.organization.language,
                }
            },
            perform=add,
            title=gettext("Add a user to %(company)s") % {"company": hierarchy.name},
            intro=gettext(
                "HQ creates a person customer for the user, adds them to the hierarchy as "
                "pending and emails them an invitation to set a password on the B2B site."
            ),
            submit_label=gettext("Add user"),
        )

    def member_change_view(self, request, object_id, account_number: str):
        hierarchy = self.record_for_action(request, object_id)
        member = self._member(hierarchy, account_number)

        def change(form: HierarchyMemberChangeForm) -> str:
            changed = services.hierarchy_member_change(
                hierarchy_id=hierarchy.hierarchy_id,
                account_number=account_number,
                actor=actor_name(request.user),
                values=form.cleaned_data,
            )
            return gettext("The changes to %(name)s are saved.") % {"name": changed.customer.name}

        return self.action_page(
            request,
            hierarchy,
            form_class=HierarchyMemberChangeForm,
            form_kwargs={
                "initial": {
                    "first_name": member.customer.first_name,
                    "last_name": member.customer.last_name,
                    "role": member.role,
                    "spending_limit": member.spending_limit,
                    "monthly_spending_limit": member.monthly_spending_limit,
                }
            },
            perform=change,
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
        hierarchy = self.record_for_action(request, object_id)
        member = self._member(hierarchy, account_number)

        def remove(form: HierarchyMemberRemoveForm) -> str:
            services.hierarchy_member_remove(
                hierarchy_id=hierarchy.hierarchy_id,
                account_number=account_number,
                actor=actor_name(request.user),
                reason=form.cleaned_data["reason"],
            )
            return gettext("%(name)s is removed from %(company)s.") % {
                "name": member.customer.name,
                "company": hierarchy.name,
            }

        return self.action_page(
            request,
            hierarchy,
            form_class=HierarchyMemberRemoveForm,
            perform=remove,
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
            refused_goes_back=True,
        )
