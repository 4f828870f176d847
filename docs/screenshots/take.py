"""Screenshots of the consoles in Polish at 1280x800 for docs/screenshots/ (issue 13): the HQ
home, All prospects and a lead, against a running server with the demo logins.

    uv run python -m docs.screenshots.take --set after [--url http://127.0.0.1:8000]

Writes hq-home-pl-<set>.png, all-prospects-pl-<set>.png and lead-pl-<set>.png. The browser asks
for Polish; when a user's profile keeps another console language, the header's picker switches
it to Polish (which that profile then keeps). Playwright drives Debian's Chromium.
"""

import argparse
import os
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = ViewportSize(width=1280, height=800)
LANGUAGE = "pl"
HERE = Path(__file__).resolve().parent


def sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_load_state()
    if page.evaluate("document.documentElement.lang") != LANGUAGE:
        page.locator("select[name=language]").select_option(LANGUAGE)
        with page.expect_navigation():
            page.locator("form:has(select[name=language]) [type=submit]").click()


def take(page: Page, url: str, path: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=path)
    print(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument("--set", default="after", help="the screenshots' suffix: before, after")
    parser.add_argument("--back-office", default="backoffice", help="a back-office login")
    parser.add_argument("--rep", default="rep", help="a sales rep's login")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "demo-pass-2026"))
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()

    def out(name: str) -> Path:
        return args.out / f"{name}-{LANGUAGE}-{args.set}.png"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless"])
        try:
            hq = browser.new_context(locale="pl-PL", viewport=VIEWPORT).new_page()
            sign_in(hq, f"{args.url}/hq", args.back_office, args.password)
            take(hq, f"{args.url}/hq/", out("hq-home"))
            take(hq, f"{args.url}/hq/commerce/prospect/", out("all-prospects"))

            sales = browser.new_context(locale="pl-PL", viewport=VIEWPORT).new_page()
            sign_in(sales, f"{args.url}/sales", args.rep, args.password)
            sales.goto(f"{args.url}/sales/sales/lead/?view=all-b2b-commerce-leads")
            first_lead = sales.locator("#result_list tbody tr a[href*='/change/']").first
            take(sales, f"{args.url}{first_lead.get_attribute('href')}", out("lead"))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
