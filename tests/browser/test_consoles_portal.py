"""The partner portal in en, pl and cs (issue 13): a partner's admin manages users from a phone.
Home, organization users and add user fit 390 px (and 1280 px), show no untranslated English,
and axe-core finds nothing serious. One test per language walks the pages with one context."""

import pytest

from commerce.jobs import job_execute
from commerce.services import hierarchy_member_add
from tests.channel.portal_support import approved_organization, partner_login

from .conftest import DESKTOP, LOCALES, PHONE, page_problems, visit

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

PAGES = ("/", "/partner/organization/users/", "/partner/organization/users/add/")


@pytest.fixture
def partner_admin(tasks_inline):
    """The signed-up admin of an approved organization with a second user on the site."""
    organization = approved_organization(first_name="Zofia", last_name="Żółkiewska-Łęcka")
    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jiří",
        last_name="Dvořák",
        email="jiri.dvorak@kun.cz",
        role="user",
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")
    data = (organization.prospect.company_name, "Zofia", "Żółkiewska-Łęcka", "Jiří", "Dvořák")
    return {"user": partner_login(organization.admin_email), "data": data}


@pytest.mark.parametrize("language", LOCALES)
def test_portal_pages_fit_a_phone_and_speak_the_language(
    live_server, open_signed_in, axe, partner_admin, language
):
    page = open_signed_in(partner_admin["user"], language)
    # The same pages in English, to compare with.
    english = open_signed_in(partner_admin["user"], "en") if language != "en" else None
    prefix = "" if language == "en" else f"/{language}"  # the site's language is in the URL
    problems = []
    for viewport, scan in ((PHONE, axe), (DESKTOP, None)):
        page.set_viewport_size(viewport)
        for path in PAGES:
            problems += visit(page, f"{live_server.url}{prefix}{path}")
            problems += page_problems(
                page, language, axe=scan, data=partner_admin["data"], english=english
            )
    assert not problems, "\n".join(problems)
