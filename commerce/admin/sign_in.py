"""Sign-in attempts in HQ (SPEC §11): django-axes' records, for integration administrators and
superusers, who may lift a lockout. axes' own admin would go on Django's default site, which the
project does not serve."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consoles.hq import hq_site
from core.admin.access import ReadOnlyAccess

from .accounts import ScheduleAccess


class SignInAccess(ScheduleAccess):
    """The same people as for schedules: unlocking an account is an administrator's decision."""


@admin.register(AccessAttempt, site=hq_site)
class HQAccessAttemptAdmin(SignInAccess, AccessAttemptAdmin):
    list_title = _("Failed sign-in attempts")
    actions = ("lift_lockout",)
    # The browser's description is on each record's page; the list keeps to who, where and when.
    list_display = [name for name in AccessAttemptAdmin.list_display if name != "user_agent"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        # Lifting a lock is the one change: Django's bulk delete stays out of the menu.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Lift the lockout (forget these failed attempts)"))
    def lift_lockout(self, request, queryset) -> None:
        # The count of attempts, not of the expiry rows deleted with them.
        count = queryset.delete()[1].get(AccessAttempt._meta.label, 0)
        self.message_user(
            request,
            ngettext(
                "Forgot %(count)d failed sign-in record; the account or address may sign in again.",
                "Forgot %(count)d failed sign-in records; the accounts or addresses may sign in "
                "again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AccessLog, site=hq_site)
class HQAccessLogAdmin(ReadOnlyAccess, AccessLogAdmin):
    access_groups = SignInAccess.access_groups
    list_title = _("Sign-ins")


@admin.register(AccessFailureLog, site=hq_site)
class HQAccessFailureLogAdmin(ReadOnlyAccess, AccessFailureLogAdmin):
    access_groups = SignInAccess.access_groups
    list_title = _("Failed sign-ins")
