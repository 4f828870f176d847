"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

They run in the PostgreSQL pass (`integration`). The journey uses the real Celery worker and
SMTP server of tests/integration, so jobs, dual-write and mail run as in production; the walks
through the consoles and the portal (test_consoles_*) build their records with tasks inline.
Playwright never downloads a browser: it drives /usr/bin/chromium (installed by .ci/run with apt).
"""

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

from config.celery import app as celery_app
from tests.integration.conftest import (  # noqa: F401  (fixtures and the hook they need)
    celery_worker,
    pytest_runtest_makereport,
    sales_integration_enabled,
    smtp_server,
    worker_env,
)

from .catalogue import english_on_page, same_as_english

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


# --- consoles and portal pages, checked as a whole (issue 13) -----------------------------------

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def tasks_inline():
    """Tasks run in this process while a test builds its records and looks at them: no worker
    is needed, and no kick is left waiting in the broker for a worker that never comes."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def open_signed_in(browser, live_server):
    """open_signed_in(user, language) → a page of a fresh context at 1280x800, whose browser
    asks for that language, signed in as `user` (a session made on the server, no sign-in form)."""
    contexts = []

    def open_signed_in(user, language: str = "en") -> Page:
        client = Client()
        client.force_login(user)
        context = browser.new_context(locale=LOCALES[language], viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_signed_in
    for context in contexts:
        context.close()


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def _where(page: Page) -> str:
    url = urlsplit(page.url)
    return f"{url.path}{'?' if url.query else ''}{url.query} [{page.viewport_size['width']} px]"


def in_english(url: str) -> str:
    """The same page in English: the site's have no language prefix then, the consoles none."""
    parts = urlsplit(url)
    path = re.sub(rf"^/({'|'.join(LOCALES)})(?=/)", "", parts.path)
    return urlunsplit(parts._replace(path=path))


def visit(page: Page, url: str) -> list[str]:
    """Open the page; a problem when it answers with an error."""
    response = page.goto(url)
    if response is None or response.ok:
        return []
    return [f"{_where(page)} answered {response.status}"]


def page_problems(
    page: Page,
    language: str,
    *,
    axe: Axe | None = None,
    fits: bool = True,
    data: tuple[str, ...] = (),
    english: Page | None = None,
) -> list[str]:
    """What is wrong with the open page: English left on a pl/cs page (by the catalogues, and,
    with an `english` page of the same user, interface text that reads as on the same page in
    English), horizontal overflow (when it must `fit` the window), serious axe-core violations."""
    where = f"{_where(page)} {language}"
    shown = page.evaluate("document.documentElement.lang")
    if shown != language:
        return [f"{where} is in {shown!r}, not {language!r}"]
    problems = []
    # The words are checked once, at the desktop width; a phone shows the same ones.
    words = language != "en" and page.viewport_size["width"] >= DESKTOP["width"]
    if words:
        left = english_on_page(page, language, data=data)
        problems += [f"{where} English: {text}" for text in left]
    if words and english is not None:
        english.goto(in_english(page.url))
        same = same_as_english(page, english, language, data=data)
        problems += [f"{where} as in English: {text!r}" for text in same]
    if fits and (extra := horizontal_overflow(page)):
        problems.append(f"{where} is {extra} px wider than the window")
    if axe is not None:
        problems += [f"{where} axe: {line}" for line in blocking_violations(axe, page)]
    return problems


def action_problems(page: Page, commands: tuple[str, ...], *, fold: int | None = None) -> list[str]:
    """Each record action (a link or button to …/<command>/) is there, visible and within the
    window's width, and, with `fold`, its top above it without scrolling."""
    where = _where(page)
    page.evaluate("window.scrollTo(0, 0)")
    problems = []
    for command in commands:
        action = page.locator(
            f'#content a[href*="/{command}/"], #content form[action*="/{command}/"] [type=submit], '
            f'#content [formaction*="/{command}/"]'
        ).first
        if not action.count() or not action.is_visible():
            problems.append(f"{where}: no visible {command} action")
            continue
        box = action.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > page.viewport_size["width"]:
            problems.append(f"{where}: the {command} action is outside the window's width")
        if fold is not None and box["y"] >= fold:
            problems.append(
                f"{where}: the {command} action's top is at {box['y']:.0f} px, below {fold} px"
            )
    return problems
