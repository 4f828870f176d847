"""HQ's job runs with their "Run now" buttons (SPEC §6), and the staged channel requests the
sync job reads, which the back office may send back to it."""

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from commerce import jobs, selectors, services
from commerce.models import ChannelRequest, JobRun
from consoles.hq import hq_site
from core.access import actor_name
from core.admin.display import shortened

from .base import CommerceRecordAdmin


class FoundNoWorkFilter(admin.SimpleListFilter):
    """Scheduled runs that found no work are hidden unless asked for: the default is "hidden",
    not Django's "All"."""

    title = _("runs that found no work")
    parameter_name = "no_work"
    SHOWN = "shown"

    def lookups(self, request, model_admin):
        return [("hidden", _("hidden")), (self.SHOWN, _("shown"))]

    def choices(self, changelist):
        shown = self.value() == self.SHOWN
        yield {
            "selected": not shown,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("hidden"),
        }
        yield {
            "selected": shown,
            "query_string": changelist.get_query_string({self.parameter_name: self.SHOWN}),
            "display": _("shown"),
        }

    def queryset(self, request, queryset):
        if self.value() == self.SHOWN:
            return queryset
        return selectors.job_runs_found_work(queryset)


class JobFilter(admin.SimpleListFilter):
    """The jobs by their names in the reader's language."""

    title = _("job")
    parameter_name = "job"

    def lookups(self, request, model_admin):
        return [(code, job.label) for code, job in jobs.JOBS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(job=self.value()) if self.value() else queryset


@admin.register(JobRun, site=hq_site)
class JobRunAdmin(CommerceRecordAdmin):
    change_list_template = "admin/hq/commerce/jobrun/change_list.html"
    # What fits at 1280 px; the last sign of life and the end time are on the record.
    list_display = (
        "job_name",
        "trigger",
        "started",
        "duration",
        "rows",
        "errors",
        "outcome",
        "short_message",
    )
    list_filter = (FoundNoWorkFilter, JobFilter, "outcome", "trigger")

    @admin.display(description=_("job"), ordering="job")
    def job_name(self, run: JobRun) -> str:
        return jobs.job_label(run.job)

    @admin.display(description=_("started"), ordering="started_at")
    def started(self, run: JobRun) -> str:
        """Runs a minute apart differ in their seconds."""
        local = timezone.localtime(run.started_at)
        return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {local:%H:%M:%S}"

    @admin.display(description=_("duration"))
    def duration(self, run: JobRun):
        seconds = run.duration_seconds
        if seconds is None:
            return self.get_empty_value_display()
        return gettext("%(seconds)s s") % {"seconds": formats.number_format(seconds, 1)}

    @admin.display(description=_("message"))
    def short_message(self, run: JobRun) -> str:
        return shortened(run.message)

    def get_urls(self):
        run_now = self.page_path("run/<slug:job_slug>/", "run", self.run_now_view, post_only=True)
        return [run_now, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        context = {"runnable_jobs": list(jobs.JOBS.values()), **(extra_context or {})}
        return super().changelist_view(request, context)

    def run_now_view(self, request, job_slug: str):
        """Hands the job to the workers; its run shows up in the list once it starts."""

        def run_now() -> str:
            job = jobs.job_start(slug=job_slug, trigger="hand")
            return gettext("“%(job)s” is started; its run is listed here.") % {"job": job.label}

        return self.action_button(request, run_now, then=self.page_url("changelist"))


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
        return shortened(staged.error)

    @admin.action(description=_("Retry the selected failed requests"))
    def retry(self, request, queryset) -> None:
        actor = actor_name(request.user)
        self.tally_report(
            request,
            queryset,
            lambda staged: services.channel_request_retry(
                request_id=staged.request_id, actor=actor
            ),
            done=gettext("%(count)d staged requests went back to the sync job."),
            left=gettext("%(count)d selected requests had not failed and were left as they are."),
            refused=(TransitionNotAllowed,),
        )
