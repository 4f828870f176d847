"""The whole journey in a real browser (SPEC §3): a Polish sign-up, won in Sales, approved in
HQ, and the partner's admin setting a password and adding a user on the B2B site.

Every page the partner sees on the way is scanned with axe-core in en, pl and cs.
"""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import Page, expect

from commerce.channel.models import ChannelHierarchyMember, OnboardingRequest
from commerce.channel.services import partner_invitation_accept
from commerce.jobs import job_execute
from commerce.models import EmailNotification, HierarchyMember, Prospect
from commerce.services import hierarchy_member_add
from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES
from sales.models import Lead, Opportunity
from tests.channel.portal_support import approved_organization, invitation_token
from tests.factories import UserFactory
from tests.integration.support import wait_until

from .conftest import LOCALES, SIGN_UP, blocking_violations, fill_sign_up

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

PASSWORD = "correct horse battery staple"
NEW_USER = {"first_name": "Jiří", "last_name": "Dvořák", "email": "jiri@hurtownia-zolc.pl"}
FLOW_TIMEOUT = 60


@pytest.fixture
def worker_env(worker_env, live_server):
    """Links in the worker's emails point at the live server the browser uses."""
    return {**worker_env, "SITE_URL": live_server.url}


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    # The consoles' login page also has the header's language form.
    page.locator("#login-form [type=submit]").click()
    page.wait_for_load_state()


def _assert_accessible(axe, page: Page, where: str) -> None:
    violations = blocking_violations(axe, page)
    assert not violations, f"{where} ({page.url}):\n" + "\n".join(violations)


def _in_language(url: str, language: str) -> str:
    """The same page of the B2B site in `language`: English has no URL prefix, the others do."""
    parts = urlsplit(url)
    path = re.sub(rf"^/({'|'.join(LOCALES)})(?=/)", "", parts.path)
    return urlunsplit(parts._replace(path=path if language == "en" else f"/{language}{path}"))


def _scan_in_every_language(axe, browser, page: Page) -> None:
    """Scan the page open in `page` again as the same visitor in each site language."""
    state = page.context.storage_state()
    for language, locale in LOCALES.items():
        context = browser.new_context(locale=locale, storage_state=state)
        try:
            other = context.new_page()
            other.goto(_in_language(page.url, language))
            expect(other.locator("html")).to_have_attribute("lang", language)
            _assert_accessible(axe, other, f"{page.url} in {language}")
        finally:
            context.close()


def _sign_up_in_polish(page: Page, site: str) -> str:
    page.goto(f"{site}/pl/partner/sign-up/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    fill_sign_up(page, SIGN_UP)
    page.wait_for_url(re.compile(r"/partner/sign-up/done/[0-9a-f-]{36}/$"))
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def _win_in_sales(page: Page, site: str, lead: Lead) -> None:
    _sign_in(page, f"{site}/sales/login/", "jan.rep")
    page.goto(f"{site}/sales/sales/lead/{lead.pk}/change/")
    expect(page.locator("#content")).to_contain_text(SIGN_UP["company_name"])
    page.get_by_role("link", name="Qualify", exact=True).click()
    page.get_by_role("button", name="Qualify", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("The lead is qualified")

    opportunity = Opportunity.objects.using("sales").get(originating_lead=lead)
    page.goto(f"{site}/sales/sales/opportunity/{opportunity.pk}/change/")
    page.get_by_role("link", name="Close as won", exact=True).click()
    page.fill("#id_actual_revenue", "125000.00")
    page.fill("#id_close_date", date.today().isoformat())
    page.fill("#id_description", "Umowa ramowa na 2027 rok.")
    page.get_by_role("button", name="Close as won", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.WON


def _invitation_link(smtp_server, email: str) -> str:
    subjects = set(
        EmailNotification.objects.using("commerce")
        .filter(type=EmailNotification.Type.PROSPECT_APPROVED, recipient=email)
        .values_list("subject", flat=True)
    )
    (mail,) = [m for m in smtp_server.messages_to(email) if m["Subject"] in subjects]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/partner/invitation/[\w-]+/", text)
    assert match, text
    return match.group(0)


@pytest.mark.parametrize("sales_integration_enabled", [True], indirect=True)
def test_polish_sign_up_won_in_sales_approved_in_hq_and_the_admin_adds_a_user(
    live_server,
    celery_worker,
    smtp_server,
    dualwrite_running,
    sales_integration_enabled,
    browser,
    open_page,
    axe,
):
    site = live_server.url
    UserFactory(username="jan.rep", is_staff=False, groups=[SALES_REPRESENTATIVES])
    UserFactory(username="ewa.backoffice", is_staff=False, groups=[COMMERCE_BACK_OFFICE])

    # A visitor signs up on the Polish site and sees the confirmation with the reference.
    visitor = open_page(LOCALES["pl"])
    request_id = _sign_up_in_polish(visitor, site)
    main = visitor.locator("main")
    expect(main).to_contain_text(request_id)
    expect(main).to_contain_text(SIGN_UP["first_name"])
    expect(main).to_contain_text(SIGN_UP["company_name"])
    request = OnboardingRequest.objects.using("channel").get(request_id=request_id)
    assert request.language == "pl"
    assert (request.company_name, request.last_name, request.comments) == (
        SIGN_UP["company_name"],
        SIGN_UP["last_name"],
        SIGN_UP["comments"],
    )
    _scan_in_every_language(axe, browser, visitor)

    # The request reaches Sales as a lead, through the jobs and dual-write.
    prospect = wait_until(
        lambda: Prospect.objects.using("commerce").filter(request_id=request_id).first(),
        FLOW_TIMEOUT,
    )
    lead = wait_until(
        lambda: (
            Lead.objects.using("sales").filter(prospect_number=prospect.prospect_number).first()
        ),
        FLOW_TIMEOUT,
    )
    assert (lead.company_name, lead.city) == (SIGN_UP["company_name"], "Łódź")

    # A rep qualifies the lead and wins the opportunity in the Sales console.
    _win_in_sales(open_page(), site, lead)

    # Dual-write approves the prospect; the back office sees it on All prospects.
    def approved() -> bool:
        prospect.refresh_from_db()
        return prospect.status == Prospect.Status.APPROVED

    wait_until(approved, FLOW_TIMEOUT)
    back_office = open_page()
    _sign_in(back_office, f"{site}/hq/login/", "ewa.backoffice")
    back_office.goto(f"{site}/hq/commerce/prospect/")
    expect(back_office.locator("#content h1")).to_contain_text("All prospects")
    row = back_office.locator("#result_list tbody tr", has_text=prospect.prospect_number)
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text(SIGN_UP["company_name"])

    # The requester sets a password with the emailed link, once job 1010 let them in the site.
    link = wait_until(lambda: _invitation_link(smtp_server, SIGN_UP["email"]), FLOW_TIMEOUT)
    assert link.startswith(site)
    wait_until(
        lambda: (
            ChannelHierarchyMember.objects.using("channel")
            .filter(customer__email=SIGN_UP["email"], status=ChannelHierarchyMember.Status.ACTIVE)
            .exists()
        ),
        FLOW_TIMEOUT,
    )
    partner = open_page(LOCALES["pl"])
    partner.goto(link)
    _scan_in_every_language(axe, browser, partner)
    partner.fill("#id_new_password1", "Łódź-hurtownia-2027!")
    partner.fill("#id_new_password2", "Łódź-hurtownia-2027!")
    partner.locator("main form [type=submit]").click()
    partner.wait_for_load_state()
    expect(partner.locator("header")).to_contain_text(SIGN_UP["first_name"])

    # As the organization's admin, they add a user.
    partner.goto(f"{site}/partner/organization/users/")
    _scan_in_every_language(axe, browser, partner)
    partner.goto(f"{site}/partner/organization/users/add/")
    _scan_in_every_language(axe, browser, partner)
    for name, value in NEW_USER.items():
        partner.fill(f"#id_{name}", value)
    partner.select_option("#id_role", "user")
    partner.fill("#id_spending_limit", "5000")
    partner.select_option("#id_language", "cs")
    partner.locator("main form [type=submit]").click()
    partner.wait_for_url(re.compile(r"/partner/organization/users/$"))
    expect(partner.locator(".messages")).to_contain_text(NEW_USER["first_name"])

    # HQ applies the addition through the jobs: the new user is a pending member.
    member = wait_until(
        lambda: (
            HierarchyMember.objects.using("commerce")
            .filter(customer__email=NEW_USER["email"])
            .select_related("customer", "hierarchy")
            .first()
        ),
        FLOW_TIMEOUT,
    )
    assert member.hierarchy.hierarchy_id == prospect.customer_hierarchy
    assert (member.role, member.customer.last_name) == ("user", NEW_USER["last_name"])


# --- every partner page on a phone, and a header that stays put across languages ------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCROLL_WIDTH = "document.documentElement.scrollWidth"
PARTNER_PASSWORD = "Łódź-hurtownia-2027!"
INVITED = "jiri.dvorak-novotny@hurtownia-zolc-lodz.pl"


@pytest.fixture
def organization():
    """An approved organization whose admin has a password, and a second user still invited."""
    organization = approved_organization(
        company_name="Hurtownia Żółć Łódź Sp. z o.o.",
        first_name="Małgorzata",
        last_name="Brzęczyszczykiewicz-Żółkiewska",
        email="malgorzata.brzeczyszczykiewicz@hurtownia-zolc-lodz.pl",
    )
    partner_invitation_accept(token=organization.admin_token, password=PARTNER_PASSWORD)
    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jiří",
        last_name="Dvořák-Novotný",
        email=INVITED,
        role="user",
        spending_limit=Decimal("1234567.89"),
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")
    return organization


def _assert_fits(page: Page, width: int, where: str) -> None:
    scroll_width = page.evaluate(SCROLL_WIDTH)
    assert scroll_width <= width, f"{where} in {page.url} is {scroll_width}px wide"


def _anonymous_pages(page: Page, site: str, prefix: str, invitation: str) -> None:
    for path in (
        "/",
        "/partner/sign-up/",
        "/partner/sign-in/",
        "/partner/password-reset/",
        "/partner/request-status/",
        f"/partner/invitation/{invitation}/",
        "/partner/invitation/no-such-link/",
    ):
        page.goto(f"{site}{prefix}{path}")
        _assert_fits(page, PHONE["width"], path)

    # The sign-up refused by the server (the browser's own checks off), then sent.
    page.goto(f"{site}{prefix}/partner/sign-up/")
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.fill("#id_email", "zaneta@")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    _assert_fits(page, PHONE["width"], "the refused sign-up")
    fill_sign_up(page, {**SIGN_UP, "email": f"zaneta.{prefix.strip('/') or 'en'}@hurtownia.pl"})
    page.wait_for_url(re.compile(r"/partner/sign-up/done/[0-9a-f-]{36}/$"))
    _assert_fits(page, PHONE["width"], "sign-up done")
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.goto(f"{site}{prefix}/partner/request-status/?reference={reference}")
    expect(page.locator(".status")).to_be_visible()
    _assert_fits(page, PHONE["width"], "request status")


@pytest.mark.parametrize("language", list(LOCALES))
def test_every_partner_page_fits_a_phone(live_server, browser, organization, language):
    site, prefix = live_server.url, "" if language == "en" else f"/{language}"
    context = browser.new_context(viewport=PHONE, locale=LOCALES[language])
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        _anonymous_pages(page, site, prefix, invitation_token(INVITED))

        page.goto(f"{site}{prefix}/partner/sign-in/")
        page.fill("#id_username", organization.admin_email)
        page.fill("#id_password", PARTNER_PASSWORD)
        page.locator("main form [type=submit]").click()
        page.wait_for_url(re.compile(r"/partner/account/$"))
        _assert_fits(page, PHONE["width"], "my account")

        # The home page of a signed-in partner is their account, not the call to sign up.
        page.goto(f"{site}{prefix}/")
        page.wait_for_url(re.compile(rf"{prefix}/partner/account/$"))

        page.goto(f"{site}{prefix}/partner/organization/users/")
        _assert_fits(page, PHONE["width"], "organization users")
        rows = page.locator("table.table--stack tbody tr")
        expect(rows).to_have_count(2)
        for row in range(2):  # each row is a card as wide as the page, every cell in view
            box = rows.nth(row).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        edit = page.locator("a[href$='/edit/']").first.get_attribute("href")
        remove = edit.replace("/edit/", "/remove/")
        for path in (f"{prefix}/partner/organization/users/add/", edit, remove):
            page.goto(f"{site}{path}")
            _assert_fits(page, PHONE["width"], path)
    finally:
        context.close()


def _header_layout(page: Page) -> list[tuple[int, int, int]]:
    """Where the header's parts sit (x, y, height), to the pixel."""
    boxes = [
        page.locator(selector).bounding_box()
        for selector in ("header", ".brand", ".site-nav", ".language-switcher")
    ]
    return [(round(box["x"]), round(box["y"]), round(box["height"])) for box in boxes if box]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_header_stays_put_across_languages(live_server, browser, organization, viewport):
    site = live_server.url
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        for path in ("/partner/sign-in/", "/partner/account/"):
            if path == "/partner/account/":
                page.goto(f"{site}/partner/sign-in/")
                page.fill("#id_username", organization.admin_email)
                page.fill("#id_password", PARTNER_PASSWORD)
                page.locator("main form [type=submit]").click()
                page.wait_for_url(re.compile(r"/partner/account/$"))
            layouts = {}
            for language in LOCALES:
                prefix = "" if language == "en" else f"/{language}"
                page.goto(f"{site}{prefix}{path}")
                layouts[language] = _header_layout(page)
                # The brand leads home in the page's language.
                expect(page.locator(".brand")).to_have_attribute("href", f"{prefix}/")
            assert len(layouts["en"]) == 4
            assert layouts["pl"] == layouts["en"] == layouts["cs"], (path, layouts)
    finally:
        context.close()
