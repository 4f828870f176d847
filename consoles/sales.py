"""The Sales console at /sales/ (SPEC §3 steps 4-8, §10): a Django admin site for sales reps.

Back-office staff may open only the lead view "All B2B commerce leads" and those leads' pages,
read-only (sales/admin/leads.py).
"""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES, user_in_groups
from core.admin.sites import ConsoleAuthenticationForm, ConsoleSite
from sales import selectors


class SalesAuthenticationForm(ConsoleAuthenticationForm):
    error_messages = {
        **ConsoleAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of a Sales account. "
            "Note that both fields may be case-sensitive."
        ),
    }

    @staticmethod
    def may_enter(user) -> bool:
        return user_in_groups(user, SALES_REPRESENTATIVES, COMMERCE_BACK_OFFICE)


class SalesAdminSite(ConsoleSite):
    site_header = _("Sales")
    site_title = _("Sales")
    index_title = _("Sales console")
    site_url = None  # no "View site" link: the console is not part of the B2B site
    login_form = SalesAuthenticationForm

    def index(self, request, extra_context=None):
        if not user_in_groups(request.user, SALES_REPRESENTATIVES):
            # Back office: straight to the one view it may use.
            url = reverse("admin:sales_lead_changelist", current_app=self.name)
            query = urlencode({"view": selectors.ALL_B2B_COMMERCE_LEADS})
            return HttpResponseRedirect(f"{url}?{query}")
        return super().index(request, extra_context)


sales_site = SalesAdminSite(name="sales")
