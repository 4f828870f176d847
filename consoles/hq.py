"""The Commerce HQ console at /hq/ (SPEC §3 step 9, §6, §8, §10): a Django admin site for staff.

Back-office staff hold no per-model permissions; membership of the back-office group is what
opens the console and its pages. Integration administrators enter for the Dual-write section,
schedules and sign-in records (the other pages check the back-office group themselves).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, user_in_groups
from core.admin.sites import ConsoleAuthenticationForm, ConsoleSite

from .hq_home import hq_home_context


class HQAuthenticationForm(ConsoleAuthenticationForm):
    error_messages = {
        **ConsoleAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of a Commerce HQ account. "
            "Note that both fields may be case-sensitive."
        ),
    }

    @staticmethod
    def may_enter(user) -> bool:
        return user_in_groups(user, COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS)


class HQAdminSite(ConsoleSite):
    site_header = _("Commerce HQ")
    site_title = _("Commerce HQ")
    index_title = _("Back office")
    index_template = "admin/hq/index.html"
    login_form = HQAuthenticationForm

    def each_context(self, request) -> dict:
        return {
            **super().each_context(request),
            "sales_integration_enabled": settings.SALES_INTEGRATION_ENABLED,
        }

    def index(self, request, extra_context=None):
        # admin_view has already sent those who may not enter to the sign-in page.
        context = {**hq_home_context(request, self.name), **(extra_context or {})}
        return super().index(request, context)


hq_site = HQAdminSite(name="hq")
