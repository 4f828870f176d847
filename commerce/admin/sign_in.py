"""Sign-in attempts in HQ (SPEC §11): django-axes' records, for integration administrators and
superusers, who may lift a lockout. axes' own admin would go on Django's default site, which the
project does not serve."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from consoles.hq import hq_site
from core.admin.access import ReadOnlyAccess

from .accounts import ScheduleAccess
from .base import short_datetime


class LockedOutFilter(admin.BooleanFieldListFilter):
    """axes names its fields in English only; the console's own words."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("locked out")


class SignInColumns:
    """The lists' columns with labels in the reader's language, and only what fits at 1280 px
    (the browser's description is on each record's page). Days are picked with axes' date
    hierarchy."""

    @admin.display(description=_("time"), ordering="attempt_time")
    def when(self, record) -> str | None:
        return short_datetime(record.attempt_time)

    @admin.display(description=_("username"), ordering="username")
    def who(self, record) -> str:
        return record.username

    @admin.display(description=_("page"))
    def where(self, record) -> str:
        return record.path_info


class SignInAccess(ScheduleAccess):
    """The same people as for schedules: unlocking an account is an administrator's decision."""


@admin.register(AccessAttempt, site=hq_site)
class HQAccessAttemptAdmin(SignInAccess, SignInColumns, AccessAttemptAdmin):
    list_title = _("Failed sign-in attempts")
    actions = ("lift_lockout",)
    list_display = ("when", "ip_address", "who", "where", "failures", "state")
    list_filter = ()

    @admin.display(description=_("failed sign-ins"), ordering="failures_since_start")
    def failures(self, attempt: AccessAttempt) -> int:
        return attempt.failures_since_start

    @admin.display(description=_("state"))
    def state(self, attempt: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        if left <= 0:
            return gettext("Locked out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}

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
class HQAccessLogAdmin(ReadOnlyAccess, SignInColumns, AccessLogAdmin):
    access_groups = SignInAccess.access_groups
    list_title = _("Sign-ins")
    list_display = ("when", "signed_out", "ip_address", "who", "where")
    list_filter = ()

    @admin.display(description=_("signed out"), ordering="logout_time")
    def signed_out(self, entry: AccessLog) -> str | None:
        return short_datetime(entry.logout_time)


@admin.register(AccessFailureLog, site=hq_site)
class HQAccessFailureLogAdmin(ReadOnlyAccess, SignInColumns, AccessFailureLogAdmin):
    access_groups = SignInAccess.access_groups
    list_title = _("Failed sign-ins")
    list_display = ("when", "ip_address", "who", "where", "locked")
    list_filter = (("locked_out", LockedOutFilter),)

    @admin.display(description=_("locked out"), boolean=True, ordering="locked_out")
    def locked(self, entry: AccessFailureLog) -> bool:
        return entry.locked_out
