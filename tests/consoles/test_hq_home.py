"""HQ's home page (consoles/hq_home.py, issue 13): its figures from real rows, the chart of the
last 30 days as inline SVG, and who sees what."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce import selectors
from commerce.models import EmailNotification, Prospect
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS
from dualwrite.figures import dualwrite_glance
from dualwrite.models import DeliveryError, OutboxMessage
from tests.factories import (
    ChannelRequestFactory,
    EmailNotificationFactory,
    ProspectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def _prospect(*, created_ago: timedelta, status: str = "new", decided_ago: timedelta | None = None):
    """A prospect signed up `created_ago` and, unless new, decided `decided_ago` ago."""
    prospect = ProspectFactory(status=status)
    now = timezone.now()
    Prospect.objects.using("commerce").filter(pk=prospect.pk).update(
        created_at=now - created_ago,
        decided_at=None if decided_ago is None else now - decided_ago,
    )
    return prospect


@pytest.fixture
def back_office(client):
    client.force_login(UserFactory(username="ewa.backoffice", groups=[COMMERCE_BACK_OFFICE]))
    return client


@pytest.fixture
def integrator(client):
    client.force_login(UserFactory(username="ivo", groups=[INTEGRATION_ADMINISTRATORS]))
    return client


def _error(**fields) -> DeliveryError:
    return DeliveryError.objects.using("default").create(
        message_id=uuid.uuid4(),
        map="prospects_to_leads",
        source="commerce",
        record_key="PR-000001",
        event="upsert",
        payload={},
        error="Sales database down",
        last_failed_at=timezone.now(),
        **fields,
    )


# --- the figures' selectors ---------------------------------------------------------------------


def test_waiting_decided_today_and_failing_emails_are_counted():
    _prospect(created_ago=timedelta(days=3))
    _prospect(created_ago=timedelta(hours=2))
    _prospect(created_ago=timedelta(days=2), status="approved", decided_ago=timedelta(minutes=5))
    _prospect(created_ago=timedelta(days=5), status="rejected", decided_ago=timedelta(days=2))
    EmailNotificationFactory(status=EmailNotification.Status.FAILED)
    EmailNotificationFactory(status=EmailNotification.Status.SENT)

    assert selectors.prospects_waiting_count() == 2
    assert selectors.prospect_decisions_today() == {"approved": 1, "rejected": 0}
    assert selectors.email_failed_count() == 1


def test_days_count_sign_ups_and_decisions_per_day_in_two_queries(django_assert_num_queries):
    _prospect(created_ago=timedelta(days=3), status="approved", decided_ago=timedelta(days=1))
    _prospect(created_ago=timedelta(days=3), status="rejected", decided_ago=timedelta(days=1))
    _prospect(created_ago=timedelta(days=3))
    _prospect(created_ago=timedelta(days=40))  # before the window

    with django_assert_num_queries(2, using="commerce"):
        days = selectors.prospect_days(days=30)

    today = timezone.localdate()
    by_day = {day.day: day for day in days}
    assert len(days) == 30 and days[-1].day == today
    assert by_day[today - timedelta(days=3)].signups == 3
    yesterday = by_day[today - timedelta(days=1)]
    assert (yesterday.signups, yesterday.approved, yesterday.rejected) == (0, 1, 1)
    assert sum(day.signups for day in days) == 3


def test_median_time_to_decision_is_the_middle_wait_of_the_period():
    for hours in (1, 3, 50):
        _prospect(
            created_ago=timedelta(hours=hours + 1),
            status="approved",
            decided_ago=timedelta(hours=1),
        )
    _prospect(created_ago=timedelta(days=90), status="rejected", decided_ago=timedelta(days=60))
    since = timezone.now() - timedelta(days=30)

    assert selectors.prospect_decision_median(since=since) == timedelta(hours=3)

    _prospect(created_ago=timedelta(hours=6), status="rejected", decided_ago=timedelta(hours=1))
    assert selectors.prospect_decision_median(since=since) == timedelta(hours=4)


def test_no_decision_has_no_median():
    _prospect(created_ago=timedelta(days=1))

    assert selectors.prospect_decision_median(since=timezone.now() - timedelta(days=30)) is None


def test_job_backlog_names_the_oldest_waiting_work_of_each_kind():
    ChannelRequestFactory()

    oldest = selectors.job_backlog_oldest()

    assert oldest["staged_requests"] is not None
    assert oldest["channel_requests"] is None and oldest["due_emails"] is None
    assert selectors.job_backlog_seconds() >= 0


def test_dualwrite_glance_counts_open_errors_and_the_oldest_undelivered_message():
    _error()
    _error(state=DeliveryError.State.RESOLVED)
    OutboxMessage.objects.using("commerce").create(
        map="prospects_to_leads", record_key="PR-000001", event="upsert", payload={}
    )

    glance = dualwrite_glance()

    assert glance.open_errors == 1
    assert glance.lag_seconds is not None and glance.lag_seconds >= 0


# --- the page -----------------------------------------------------------------------------------


def test_back_office_sees_the_figures_linked_to_their_lists(back_office):
    _prospect(created_ago=timedelta(days=1))
    EmailNotificationFactory(status=EmailNotification.Status.FAILED)

    page = back_office.get("/hq/").content.decode()

    waiting = page[page.index("New prospects waiting") :]
    assert re.match(
        r'New prospects waiting</th>\s*<td[^>]*>\s*<a href="[^"]*status__exact=new"', waiting
    )
    assert "/hq/commerce/emailnotification/?status__exact=failed" in page
    assert "Oldest staged request waiting" in page and "none waiting" in page
    assert "Dual-write open errors" in page
    # Back office may not open the dual-write pages: the figure is not a link to them.
    assert "/hq/dualwrite/deliveryerror/" not in page
    assert 'id="sales-integration"' in page


def test_the_chart_is_inline_svg_with_a_title_and_a_table_of_every_day(back_office):
    _prospect(created_ago=timedelta(days=2), status="approved", decided_ago=timedelta(days=1))
    _prospect(created_ago=timedelta(days=2))

    page = back_office.get("/hq/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    chart = page[page.index('id="prospect-chart"') :]
    svg = chart[chart.index("<svg") : chart.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="prospect-chart-title' in svg
    assert '<title id="prospect-chart-title">' in svg
    assert svg.count('class="chart-signups"') == 1
    assert svg.count('class="chart-approved"') == 1
    assert "chart-rejected" not in svg
    # Coordinates stay numbers in any locale ("12.5", never "12,5").
    assert not re.search(r'(x|y|height|width)="[0-9]+,[0-9]', svg)
    table = chart[chart.index('id="prospect-chart-table"') : chart.index("</table>")]
    assert table.count('<th scope="row">') == 30
    assert "<script" not in chart


def test_the_chart_says_the_median_time_to_decision(back_office):
    _prospect(created_ago=timedelta(hours=28), status="approved", decided_ago=timedelta(hours=1))

    page = back_office.get("/hq/").content.decode()

    assert "Median time from sign-up to decision: <strong>1\xa0day, 3\xa0hours</strong>" in page


def test_integrator_sees_dual_write_links_and_no_back_office_figures(integrator):
    _error()

    page = integrator.get("/hq/").content.decode()

    assert "/hq/dualwrite/deliveryerror/" in page and "/hq/dualwrite/mapstate/" in page
    assert "New prospects waiting" not in page and 'id="prospect-chart"' not in page
    assert "Oldest due email waiting" in page


def test_the_home_page_reads_its_figures_in_a_fixed_number_of_queries(back_office):
    def commerce_queries() -> int:
        with CaptureQueriesContext(connections["commerce"]) as queries:
            back_office.get("/hq/")
        return len(queries.captured_queries)

    _prospect(created_ago=timedelta(days=2), status="approved", decided_ago=timedelta(days=1))
    few = commerce_queries()
    for days in range(1, 25):
        _prospect(created_ago=timedelta(days=days), status="rejected", decided_ago=timedelta(0))
        _prospect(created_ago=timedelta(days=days))

    assert commerce_queries() == few <= 10
