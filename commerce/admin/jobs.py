"""HQ's job runs with their "Run now" buttons (SPEC §6), and the staged channel requests the
sync job reads, which the back office may send back to it."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from commerce import jobs, services
from commerce.models import ChannelRequest, JobRun
from consoles.hq import hq_site
from core.access import actor_name
from core.admin.display import shortened

from .base import CommerceRecordAdmin


@admin.register(JobRun, site=hq_site)
class JobRunAdmin(CommerceRecordAdmin):
    change_list_template = "admin/hq/commerce/jobrun/change_list.html"
    list_display = (
        "job",
        "trigger",
        "started_at",
        "last_seen_at",
        "finished_at",
        "duration",
        "rows",
        "errors",
        "outcome",
        "short_message",
    )
    list_filter = ("job", "outcome")

    @admin.display(description=_("duration"))
    def duration(self, run: JobRun):
        seconds = run.duration_seconds
        return None if seconds is None else gettext("%(seconds).1f s") % {"seconds": seconds}

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
            return gettext("“%(job)s” is started; its run is listed here.") % {"job": job.name}

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
