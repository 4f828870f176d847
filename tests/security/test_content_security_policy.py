"""The content security policy (SPEC §11): every page sends it, and the site, both consoles and
the API docs work under it in a real browser; the API docs need nothing from outside the site.
"""

import pytest
from django.test import Client
from playwright.sync_api import Page, Route, expect

from core.access import SALES_REPRESENTATIVES
from tests.browser import conftest as browser_support
from tests.factories import (
    CustomerFactory,
    JobRunFactory,
    LeadFactory,
    ProspectFactory,
    UserFactory,
)

# The browser fixtures of tests/browser: Debian's Chromium driven by Playwright.
browser = browser_support.browser
open_page = browser_support.open_page

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's

# Records a violation of the policy in the page, from before the page's own scripts run.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize(
    "path", ["/", "/pl/partner/sign-up/", "/partner/sign-in/", "/hq/login/", "/sales/login/"]
)
def test_site_and_consoles_send_a_policy_without_inline_script(path):
    policy = _policy(Client().get(path))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src-elem"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db(databases="__all__")
def test_api_docs_send_the_policy_and_load_nothing_from_a_cdn():
    response = Client().get("/api/docs/")
    page = response.content.decode()

    assert _policy(response)["script-src"] == ["'self'"]
    assert "http://" not in page and "https://" not in page
    assert "<script>" not in page and "<style>" not in page
    assert (
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">'
        in page
    )
    assert '<script src="/api/docs/?script="></script>' in page
    script = Client().get("/api/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    assert b"SwaggerUIBundle(" in script.content


# --- in the browser (PostgreSQL pass, like tests/browser) ------------------------------------


def _watch(page: Page) -> list[str]:
    """Policy violations the page reports, and the browser's console errors about the policy."""
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


def _visit(page: Page, url: str, console: list[str]) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = [f"{url}: {line}" for line in page.evaluate("window.cspViolations")]
    found += [f"{url}: {line}" for line in console]
    console.clear()
    return found


def _sign_in(page: Page, url: str, username: str, console: list[str]) -> list[str]:
    found = _visit(page, url, console)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    page.wait_for_load_state("networkidle")
    return found + [f"{url} (signed in): {line}" for line in page.evaluate("window.cspViolations")]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_site_consoles_and_api_docs_work_under_the_policy(live_server, open_page):
    site = live_server.url
    admin = UserFactory(username="hq.admin", is_superuser=True)
    UserFactory(username="sales.rep", groups=[SALES_REPRESENTATIVES])
    prospect = ProspectFactory()
    CustomerFactory()
    JobRunFactory()
    LeadFactory()
    page = open_page()
    console = _watch(page)
    found = []
    for path in ["/", "/partner/sign-up/", "/pl/partner/sign-up/", "/partner/sign-in/"]:
        found += _visit(page, f"{site}{path}", console)
    found += _sign_in(page, f"{site}/hq/login/", admin.username, console)
    for path in [
        "/hq/commerce/prospect/",
        f"/hq/commerce/prospect/{prospect.pk}/change/",
        "/hq/commerce/customer/",
        "/hq/commerce/jobrun/",
        "/hq/dualwrite/mapstate/",
        f"/hq/auth/user/{admin.pk}/change/",
        "/hq/auth/user/add/",
    ]:
        found += _visit(page, f"{site}{path}", console)
    expect(page.locator("#content h1")).to_be_visible()

    sales = open_page()
    sales_console = _watch(sales)
    found += _sign_in(sales, f"{site}/sales/login/", "sales.rep", sales_console)
    found += _visit(sales, f"{site}/sales/sales/lead/", sales_console)
    expect(sales.locator("#changelist")).to_be_visible()

    found += _visit(page, f"{site}/api/docs/", console)
    expect(page.locator(".opblock").first).to_be_visible()
    assert not found, "\n".join(found)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_api_docs_render_with_the_network_cut(live_server, open_page):
    page = open_page()
    outside = []

    def only_the_site(route: Route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_site)
    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".opblock-tag").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".information-container .title")).to_contain_text("Partner onboarding API")
    assert outside == []
