"""HQ's customers (SPEC §8): organizations and persons, read-only but for an organization's
credit limit, which its own page sets through the service."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce import services
from commerce.models import Customer
from consoles.hq import hq_site
from core.access import actor_name
from core.currencies import validate_currency
from core.models import ADDRESS_FIELD_NAMES

from .base import CommerceRecordAdmin, audit_trail, language_name


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


@admin.register(Customer, site=hq_site)
class CustomerAdmin(CommerceRecordAdmin):
    change_form_template = "admin/hq/commerce/customer/change_form.html"
    # What fits at 1280 px; the credit limit type, balance and prospect are on the record.
    list_display = (
        "account_number",
        "kind",
        "name",
        "email",
        "country",
        "credit_limit_shown",
        "currency",
        "blocked",
    )
    list_filter = ("party_type", "blocked", "credit_limit_type")
    search_fields = ("account_number", "name", "email", "last_name", "prospect_number")
    readonly_fields = ("language_name", "available_credit_display", "audit_trail")
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
                    "language_name",
                    "tax_id",
                    "website",
                    "blocked",
                    "prospect_number",
                )
            },
        ),
        (_("Address"), {"fields": ADDRESS_FIELD_NAMES}),
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

    @admin.display(description=_("type"), ordering="party_type")
    def kind(self, customer: Customer) -> str:
        return customer.get_party_type_display()

    @admin.display(description=_("credit limit"), ordering="credit_limit")
    def credit_limit_shown(self, customer: Customer):
        """Organizations hold the credit limit; a person's column stays empty (SPEC §8)."""
        if customer.party_type != Customer.PartyType.ORGANIZATION:
            return self.get_empty_value_display()
        return formats.number_format(customer.credit_limit, 2, force_grouping=True)

    @admin.display(description=_("language"))
    def language_name(self, customer: Customer) -> str:
        return language_name(customer.language)

    @admin.display(description=_("available credit"))
    def available_credit_display(self, customer: Customer) -> str:
        if customer.available_credit is None:
            return gettext("No limit is checked (credit limit type “None”).")
        amount = formats.number_format(customer.available_credit, 2, force_grouping=True)
        return f"{amount} {customer.currency}"

    @admin.display(description=_("changes"))
    def audit_trail(self, customer: Customer) -> str:
        return audit_trail([customer.account_number])

    def get_urls(self):
        return [
            self.page_path(
                "<path:object_id>/credit-limit/", "credit_limit", self.credit_limit_view
            ),
            *super().get_urls(),
        ]

    def credit_limit_view(self, request, object_id):
        customer = self.record_for_action(request, object_id)
        if customer.party_type != Customer.PartyType.ORGANIZATION:
            self.message_user(
                request,
                gettext("Credit limits are kept on organizations, not on persons."),
                messages.ERROR,
            )
            return HttpResponseRedirect(self.change_url(customer))

        def credit_limit_set(form: CreditLimitForm) -> str:
            saved = services.customer_credit_limit_set(
                account_number=customer.account_number,
                actor=actor_name(request.user),
                **form.cleaned_data,
            )
            return gettext("The credit limit of %(name)s is saved.") % {"name": saved.name}

        return self.action_page(
            request,
            customer,
            form_class=CreditLimitForm,
            form_kwargs={
                "initial": {
                    "credit_limit": customer.credit_limit,
                    "currency": customer.currency,
                    "credit_limit_type": customer.credit_limit_type,
                }
            },
            perform=credit_limit_set,
            title=gettext("Credit limit of %(name)s") % {"name": customer.name},
            intro=gettext("The open balance is %(balance)s %(currency)s; it is kept by the orders.")
            % {
                "balance": formats.number_format(customer.balance, 2, force_grouping=True),
                "currency": customer.currency,
            },
            submit_label=gettext("Save credit limit"),
        )
