"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

They run in the PostgreSQL pass (`integration`), with the real Celery worker and SMTP server of
tests/integration, so jobs, dual-write and mail run as in production. Playwright never
downloads a browser: it drives /usr/bin/chromium (installed by .ci/run with apt).
"""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.integration.conftest import (  # noqa: F401  (fixtures and the hook they need)
    celery_worker,
    pytest_runtest_makereport,
    sales_integration_enabled,
    smtp_server,
    worker_env,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe-core impacts that fail a page (SPEC §11 asks for usable pages; minor issues are reported).
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 20_000
LOCALES = {"en": "en-GB", "pl": "pl-PL", "cs": "cs-CZ"}
SIGN_UP = {
    "company_name": "Hurtownia Żółć Łódź Sp. z o.o.",
    "first_name": "Żaneta",
    "last_name": "Żółkiewska-Łęcka",
    "email": "zaneta@hurtownia-zolc.pl",
    "phone": "+48 42 123 45 67",
    "job_title": "Kierownik zakupów",
    "street": "ul. Piotrkowska 104",
    "city": "Łódź",
    "state": "łódzkie",
    "postal_code": "90-926",
    "tax_id": "PL7251234567",
    "website": "https://hurtownia-zolc.pl",
    "comments": "Interesują nas artykuły biurowe <b>hurtem</b>.",
}


def fill_sign_up(page: Page, values: dict[str, str]) -> None:
    """Type the values into the sign-up form, pick Poland, accept the terms and send it."""
    for name, value in values.items():
        page.fill(f"#id_{name}", value)
    page.select_option("#id_country", "PL")
    page.check("#id_accept_terms")
    page.locator("main form [type=submit]").click()


@pytest.fixture
def browser(monkeypatch) -> Browser:
    """Chromium for one test; Playwright's event loop lives exactly as long as the test."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    # Playwright's sync API keeps an event loop running in this thread, which Django takes for
    # an async context; the test and the ORM stay synchronous, so that check is lifted.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """open_page(locale) → a fresh page (own cookies) whose browser asks for that language."""
    contexts = []

    def open_page(locale: str = "en") -> Page:
        context = browser.new_context(locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def blocking_violations(axe: Axe, page: Page) -> list[str]:
    """Serious and critical axe-core violations of the page, one readable line each."""
    results = axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
