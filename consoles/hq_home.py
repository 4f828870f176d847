"""HQ's home page at a glance (issue 13): what waits for the back office, decisions today, the
jobs' backlog, dual-write's lag and errors, and a chart of the last days' sign-ups and
decisions drawn as inline SVG on the server (the CSP allows no script and no remote asset)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from commerce import selectors as commerce_selectors
from commerce.models import ChannelRequest, EmailNotification, Prospect
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, user_in_groups
from dualwrite.figures import dualwrite_glance

CHART_DAYS = 30
# The chart's drawing area in SVG units; the SVG scales to its box's width.
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 600, 150, 28, 20


def duration_words(span: timedelta | float | None) -> str:
    """A span as people read it: "45 seconds", "2 days, 3 hours"."""
    if span is None:
        return "—"
    seconds = span.total_seconds() if isinstance(span, timedelta) else span
    if seconds < 60:
        whole = int(seconds)
        return ngettext("%(count)d second", "%(count)d seconds", whole) % {"count": whole}
    now = timezone.now()
    return timesince(now - timedelta(seconds=seconds), now)


def _url(name: str, site_name: str, query: dict | None = None) -> str:
    url = reverse(f"admin:{name}", current_app=site_name)
    return f"{url}?{urlencode(query)}" if query else url


def _count(number: int) -> str:
    return formats.number_format(number, force_grouping=True)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str = ""
    alarm: bool = False


def _age(since: datetime | None) -> str:
    if since is None:
        return gettext("none waiting")
    return duration_words(timezone.now() - since)


def back_office_figures(site_name: str) -> list[Figure]:
    today = commerce_selectors.prospect_decisions_today()
    failed = commerce_selectors.email_failed_count()
    return [
        Figure(
            gettext("New prospects waiting"),
            _count(commerce_selectors.prospects_waiting_count()),
            _url("commerce_prospect_changelist", site_name, {"status__exact": Prospect.Status.NEW}),
        ),
        Figure(
            gettext("Approved today"),
            _count(today[Prospect.Status.APPROVED]),
            _url(
                "commerce_prospect_changelist",
                site_name,
                {"status__exact": Prospect.Status.APPROVED},
            ),
        ),
        Figure(
            gettext("Rejected today"),
            _count(today[Prospect.Status.REJECTED]),
            _url(
                "commerce_prospect_changelist",
                site_name,
                {"status__exact": Prospect.Status.REJECTED},
            ),
        ),
        Figure(
            gettext("Emails failing"),
            _count(failed),
            _url(
                "commerce_emailnotification_changelist",
                site_name,
                {"status__exact": EmailNotification.Status.FAILED},
            ),
            alarm=failed > 0,
        ),
    ]


def backlog_figures(site_name: str, *, back_office: bool) -> list[Figure]:
    """The oldest work waiting for each job, as /health/ reads it (commerce.selectors)."""
    oldest = commerce_selectors.job_backlog_oldest()
    alert = timedelta(seconds=settings.JOB_BACKLOG_ALERT_SECONDS)
    now = timezone.now()

    def late(since: datetime | None) -> bool:
        return since is not None and now - since > alert

    staged_url = due_url = ""
    if back_office:  # the lists behind the figures are the back office's
        staged_url = _url(
            "commerce_channelrequest_changelist",
            site_name,
            {"state__exact": ChannelRequest.State.NEW},
        )
        due_url = _url(
            "commerce_emailnotification_changelist",
            site_name,
            {"status__exact": EmailNotification.Status.QUEUED},
        )
    return [
        Figure(
            gettext("Oldest channel request waiting"),
            _age(oldest["channel_requests"]),
            alarm=late(oldest["channel_requests"]),
        ),
        Figure(
            gettext("Oldest staged request waiting"),
            _age(oldest["staged_requests"]),
            staged_url if oldest["staged_requests"] else "",
            alarm=late(oldest["staged_requests"]),
        ),
        Figure(
            gettext("Oldest due email waiting"),
            _age(oldest["due_emails"]),
            due_url if oldest["due_emails"] else "",
            alarm=late(oldest["due_emails"]),
        ),
    ]


def dualwrite_figures(site_name: str, *, integrator: bool) -> list[Figure]:
    glance = dualwrite_glance()
    if settings.SALES_INTEGRATION_ENABLED:
        lag_text = (
            duration_words(glance.lag_seconds)
            if glance.lag_seconds is not None
            else gettext("nothing waiting")
        )
        lag_alarm = (glance.lag_seconds or 0) > settings.DUALWRITE_LAG_ALERT_SECONDS
    else:
        # Changes wait in the outboxes by design while the integration is off (SPEC §3 step 9).
        lag_text, lag_alarm = gettext("Off (Sales integration disabled)"), False
    maps_url = _url("dualwrite_mapstate_changelist", site_name) if integrator else ""
    errors_url = _url("dualwrite_deliveryerror_changelist", site_name) if integrator else ""
    return [
        Figure(gettext("Dual-write lag"), lag_text, maps_url, alarm=lag_alarm),
        Figure(
            gettext("Dual-write open errors"),
            _count(glance.open_errors),
            errors_url,
            alarm=glance.open_errors > 0,
        ),
    ]


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    height: float
    kind: str  # signups | approved | rejected


def prospect_chart(days: list[commerce_selectors.ProspectDay]) -> dict:
    """The bars of the chart in SVG units: per day a sign-up bar and beside it the decisions,
    approved below rejected; the scale's top is the busiest day's larger bar."""
    top = max((max(d.signups, d.approved + d.rejected) for d in days), default=0) or 1
    plot_height = CHART_HEIGHT - CHART_BOTTOM
    slot = (CHART_WIDTH - CHART_LEFT) / len(days)
    bar_width = slot * 0.4

    def height(count: int) -> float:
        return round(count * plot_height / top, 1)

    bars: list[ChartBar] = []
    for index, day in enumerate(days):
        x = CHART_LEFT + index * slot + slot * 0.1
        signups = height(day.signups)
        if day.signups:
            bars.append(ChartBar(round(x, 1), plot_height - signups, signups, "signups"))
        decided_x = round(x + bar_width, 1)
        approved, rejected = height(day.approved), height(day.rejected)
        if day.approved:
            bars.append(ChartBar(decided_x, plot_height - approved, approved, "approved"))
        if day.rejected:
            bars.append(
                ChartBar(decided_x, plot_height - approved - rejected, rejected, "rejected")
            )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "baseline": plot_height,
        "bar_width": round(bar_width, 1),
        "top": top,
        "bars": bars,
        "days": days,
        "first_day": days[0].day,
        "last_day": days[-1].day,
        "label_y": CHART_HEIGHT - 4,
        "right": CHART_WIDTH,
    }


def chart_context() -> dict:
    days = commerce_selectors.prospect_days(days=CHART_DAYS)
    since = timezone.now() - timedelta(days=CHART_DAYS)
    median = commerce_selectors.prospect_decision_median(since=since)
    return {
        "chart": prospect_chart(days),
        "chart_days": CHART_DAYS,
        "chart_signups": sum(day.signups for day in days),
        "chart_approved": sum(day.approved for day in days),
        "chart_rejected": sum(day.rejected for day in days),
        "decision_median": duration_words(median) if median is not None else None,
    }


def hq_home_context(request, site_name: str) -> dict:
    """The home page's figures for this user: the back office's for its members, the
    integration's (with links to Dual-write) for integration administrators."""
    back_office = user_in_groups(request.user, COMMERCE_BACK_OFFICE)
    integrator = user_in_groups(request.user, INTEGRATION_ADMINISTRATORS)
    context = {
        "backlog_figures": backlog_figures(site_name, back_office=back_office),
        "dualwrite_figures": dualwrite_figures(site_name, integrator=integrator),
    }
    if back_office:
        context["back_office_figures"] = back_office_figures(site_name)
        context.update(chart_context())
    return context
