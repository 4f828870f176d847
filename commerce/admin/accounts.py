"""HQ's celery-beat schedules (in `default`) and accounts. Schedules are seen and changed by
integration administrators and superusers only, never by the back office (SPEC §11): running
or disabling a job's schedule is an integration operation. Accounts are for superusers."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django_celery_beat.admin import (
    CrontabScheduleAdmin,
    IntervalScheduleAdmin,
    PeriodicTaskAdmin,
    PeriodicTaskInline,
)
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from consoles.hq import hq_site
from core.access import INTEGRATION_ADMINISTRATORS
from core.admin.access import GroupAccess, ReadOnlyAccess, SuperuserOnly


class ScheduleAccess(GroupAccess):
    access_groups = (INTEGRATION_ADMINISTRATORS,)


class ScheduleTasksInline(ReadOnlyAccess, PeriodicTaskInline):
    access_groups = ScheduleAccess.access_groups


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
