"""The Sales console's accounts and contacts: edited through their update services."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from consoles.sales import sales_site
from sales import services
from sales.models import Account, AddressFields, Contact

from .base import SalesRecordAdmin

RECORD_FIELDS = ("prospect_number", "version", "created_at", "updated_at")


@admin.register(Account, site=sales_site)
class AccountAdmin(SalesRecordAdmin):
    list_title = _("Accounts")
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
        (_("Record"), {"fields": RECORD_FIELDS, "classes": ("collapse",)}),
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
    list_title = _("Contacts")
    list_display = ("contact_number", "name", "email", "phone", "account", "prospect_number")
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
        (_("Record"), {"fields": RECORD_FIELDS, "classes": ("collapse",)}),
    )
    readonly_fields = (
        "contact_number",
        "account_link",
        "prospect_number",
        "version",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, contact: Contact) -> str:
        return contact.full_name

    @admin.display(description=_("account"))
    def account_link(self, contact: Contact):
        return self.link(contact.account)

    def update_record(self, pk: int, values: dict) -> None:
        services.contact_update(contact_id=pk, values=values)
