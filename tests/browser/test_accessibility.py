"""axe-core finds no serious or critical violation on the public pages, in en, pl and cs."""

import pytest
from playwright.sync_api import expect

from tests.factories import OnboardingRequestFactory

from .conftest import LOCALES, SIGN_UP, blocking_violations, fill_sign_up

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

PUBLIC_PAGES = [
    "/",
    "/partner/sign-up/",
    "/partner/request-status/",
    "/partner/sign-in/",
    "/partner/password-reset/",
]


@pytest.mark.parametrize("language", LOCALES)
def test_public_pages_have_no_serious_accessibility_violations(
    live_server, open_page, axe, language
):
    request = OnboardingRequestFactory()
    page = open_page(LOCALES[language])
    problems = []
    prefix = "" if language == "en" else f"/{language}"  # the language is in the URL
    for path in [*PUBLIC_PAGES, f"/partner/sign-up/done/{request.request_id}/"]:
        page.goto(f"{live_server.url}{prefix}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        problems += [f"{path}: {line}" for line in blocking_violations(axe, page)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LOCALES)
def test_sign_up_errors_are_announced_without_accessibility_violations(
    live_server, open_page, axe, language
):
    page = open_page(LOCALES[language])
    page.goto(f"{live_server.url}/partner/sign-up/")
    # The browser accepts these digits; the server finds no such number in Poland.
    fill_sign_up(page, {**SIGN_UP, "phone": "12"})
    page.wait_for_load_state()
    expect(page.locator("#id_phone")).to_have_attribute("aria-invalid", "true")
    problems = blocking_violations(axe, page)
    assert not problems, "\n".join(problems)
