"""HQ's sign-in records (commerce/admin/sign_in.py): the console's own column names and what
fits at 1280 px."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from core.access import INTEGRATION_ADMINISTRATORS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0 Safari/537.36"


@pytest.fixture
def integrator(client):
    client.force_login(UserFactory(username="ivo", groups=[INTEGRATION_ADMINISTRATORS]))
    return client


def test_failed_attempts_say_how_many_tries_are_left(integrator, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for username, failures in (("ewa", 3), ("mallory", 5)):
        AccessAttempt.objects.create(
            username=username,
            ip_address="203.0.113.9",
            user_agent=BROWSER,
            http_accept="text/html",
            path_info="/hq/login/",
            failures_since_start=failures,
            get_data="",
            post_data="",
        )

    page = integrator.get("/hq/axes/accessattempt/").content.decode()

    assert "2 attempts left" in page and "Locked out" in page
    assert "column-user_agent" not in page and BROWSER not in page
    header = page[page.index("<thead>") : page.index("</thead>")]
    for column in ("Time", "Username", "Page", "Failed sign-ins", "State"):
        assert column in header
    assert "/hq/login/" in page


def test_the_failure_log_leaves_the_browser_to_the_record(integrator):
    AccessFailureLog.objects.create(
        username="ewa",
        ip_address="203.0.113.9",
        user_agent=BROWSER,
        http_accept="text/html",
        path_info="/hq/login/",
        locked_out=True,
    )

    page = integrator.get("/hq/axes/accessfailurelog/").content.decode()

    assert "ewa" in page and 'alt="True"' in page
    assert BROWSER not in page
    assert "Locked out" in page  # the filter, in the console's words
