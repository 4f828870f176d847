"""HQ's sales orders (SPEC §13): the orders partners placed on the site, as HQ took them on.
The back office confirms or cancels an open one from its page; the site learns of it by job 1010
and the buyer is emailed."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce import services
from commerce.models import Customer, SalesOrder, SalesOrderLine
from consoles.hq import hq_site
from core.access import COMMERCE_BACK_OFFICE, actor_name
from core.admin.access import ReadOnlyAccess
from core.admin.forms import reason_field
from core.formatting import money

from .base import DB, CommerceRecordAdmin, language_name, short_datetime
from .logs import transition_log_html


class SalesOrderCancelForm(forms.Form):
    reason = reason_field(rows=4, help_text=_("The buyer reads it in the cancellation email."))


class SalesOrderLineInline(ReadOnlyAccess, admin.TabularInline):
    access_groups = (COMMERCE_BACK_OFFICE,)
    model = SalesOrderLine
    fields = (
        "line_number",
        "product_number",
        "product_name",
        "unit",
        "quantity",
        "unit_price_shown",
        "line_total_shown",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).using(DB).select_related("sales_order")

    @admin.display(description=_("unit price"))
    def unit_price_shown(self, line: SalesOrderLine) -> str:
        return money(line.unit_price, line.sales_order.currency)

    @admin.display(description=_("line total"))
    def line_total_shown(self, line: SalesOrderLine) -> str:
        return money(line.line_total, line.sales_order.currency)


@admin.register(SalesOrder, site=hq_site)
class SalesOrderAdmin(CommerceRecordAdmin):
    change_form_template = "admin/hq/commerce/salesorder/change_form.html"
    list_display = (
        "number",
        "channel_order_number",
        "customer",
        "ordered_by",
        "purchase_order",
        "total_shown",
        "status",
        "ordered",
    )
    list_filter = ("status",)
    search_fields = (
        "=number",
        "=channel_order_number",
        "=customer",
        "purchase_order",
        "ordered_by",
    )
    inlines = (SalesOrderLineInline,)
    readonly_fields = (
        "customer_link",
        "total_shown",
        "language_name",
        "ordered",
        "decided",
        "transition_log",
    )
    fieldsets = (
        (
            _("Sales order"),
            {
                "fields": (
                    "number",
                    "channel_order_number",
                    "status",
                    "status_reason",
                    "purchase_order",
                    "total_shown",
                    "ordered",
                    "decided",
                    "decided_by",
                )
            },
        ),
        (
            _("Customer"),
            {
                "fields": (
                    "customer_link",
                    "hierarchy_id",
                    "buyer",
                    "ordered_by",
                    "buyer_email",
                    "language_name",
                )
            },
        ),
        (
            _("Delivery"),
            {
                "fields": (
                    "delivery_name",
                    "delivery_street",
                    "delivery_postal_code",
                    "delivery_city",
                    "delivery_country",
                )
            },
        ),
        (_("Transition log"), {"fields": ("transition_log",)}),
    )

    @admin.display(description=_("total"), ordering="total")
    def total_shown(self, order: SalesOrder) -> str:
        return money(order.total, order.currency)

    @admin.display(description=_("ordered"), ordering="ordered_at")
    def ordered(self, order: SalesOrder) -> str:
        return short_datetime(order.ordered_at)

    @admin.display(description=_("decided"))
    def decided(self, order: SalesOrder) -> str:
        return short_datetime(order.decided_at)

    @admin.display(description=_("language"))
    def language_name(self, order: SalesOrder) -> str:
        return language_name(order.buyer_language)

    @admin.display(description=_("customer"))
    def customer_link(self, order: SalesOrder):
        customer = Customer.objects.using(DB).filter(account_number=order.customer).first()
        return order.customer if customer is None else self.link(customer)

    @admin.display(description=_("transitions"))
    def transition_log(self, order: SalesOrder) -> str:
        return transition_log_html(order)

    def get_urls(self):
        return [
            self.page_path("<path:object_id>/confirm/", "confirm", self.confirm_view),
            self.page_path("<path:object_id>/cancel/", "cancel", self.cancel_view),
            *super().get_urls(),
        ]

    def _decided_already(self, request, order: SalesOrder):
        """A decided order's buttons are gone; an old link says why and goes back."""
        if order.status == SalesOrder.Status.OPEN:
            return None
        self.message_user(
            request,
            gettext("Sales order %(number)s is already %(status)s.")
            % {"number": order.number, "status": order.get_status_display().lower()},
            messages.ERROR,
        )
        return HttpResponseRedirect(self.change_url(order))

    def confirm_view(self, request, object_id):
        order = self.record_for_action(request, object_id)
        if decided := self._decided_already(request, order):
            return decided

        def confirm() -> str:
            services.sales_order_confirm(number=order.number, actor=actor_name(request.user))
            return gettext(
                "Sales order %(number)s is confirmed; the confirmation email to %(email)s is "
                "queued."
            ) % {"number": order.number, "email": order.buyer_email}

        return self.confirm_page(
            request,
            order,
            perform=confirm,
            title=gettext("Confirm sales order %(number)s") % {"number": order.number},
            consequences=[
                gettext(
                    "Order %(site_order)s of %(buyer)s (%(total)s, purchase order %(po)s) is "
                    "confirmed."
                )
                % {
                    "site_order": order.channel_order_number,
                    "buyer": order.ordered_by,
                    "total": money(order.total, order.currency),
                    "po": order.purchase_order,
                },
                gettext("The B2B site shows it confirmed after the next run of job 1010."),
                gettext("%(email)s is emailed the confirmation.") % {"email": order.buyer_email},
            ],
            submit_label=gettext("Confirm order"),
        )

    def cancel_view(self, request, object_id):
        order = self.record_for_action(request, object_id)
        if decided := self._decided_already(request, order):
            return decided

        def cancel(form: SalesOrderCancelForm) -> str:
            services.sales_order_cancel(
                number=order.number,
                reason=form.cleaned_data["reason"],
                actor=actor_name(request.user),
            )
            return gettext(
                "Sales order %(number)s is cancelled; the cancellation email to %(email)s is "
                "queued."
            ) % {"number": order.number, "email": order.buyer_email}

        return self.action_page(
            request,
            order,
            form_class=SalesOrderCancelForm,
            perform=cancel,
            title=gettext("Cancel sales order %(number)s") % {"number": order.number},
            intro=gettext(
                "Cancelling order %(site_order)s of %(buyer)s (%(total)s) frees the "
                "organization's credit; the B2B site shows it cancelled after the next run of "
                "job 1010, and %(email)s is emailed the reason."
            )
            % {
                "site_order": order.channel_order_number,
                "buyer": order.ordered_by,
                "total": money(order.total, order.currency),
                "email": order.buyer_email,
            },
            submit_label=gettext("Cancel order"),
            refused_goes_back=True,
        )
