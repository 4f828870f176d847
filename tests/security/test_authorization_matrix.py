"""Every URL of config.urls, for every role, answers as tests/security/authorization_matrix.py says.

The URLs come from the resolver itself (both admin sites with every registered model, the B2B
site, the API routers), so a new page without a row in the table fails the test instead of being
left open by accident, and a row whose URL is gone fails as stale (SPEC §10, §11).
"""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from commerce.channel.models import ChannelHierarchyMember, PartnerUserRequest
from commerce.models import CustomerHierarchy, HierarchyMember, JobRun, Prospect
from dualwrite.models import DeliveryError, MapState
from sales.models import Lead, Opportunity
from tests.factories import LeadFactory, ProspectFactory

from . import authorization_matrix as matrix
from .authorization_roles import ADMIN_SITES, _superuser_request

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_IN_PAGES = ("/hq/login/", "/sales/login/", "/partner/sign-in/")


@dataclass(frozen=True)
class Page:
    """One URL pattern: its key in the table, and how to build a URL for it."""

    key: str
    name: str | None  # the namespaced name, for reverse()
    route: str
    parameters: tuple[str, ...]
    admin_model: type | None = None
    app_label: str | None = None
    localized: bool = False  # under i18n_patterns: also served at /pl/… and /cs/…


# --- the URL configuration, walked --------------------------------------------------------------


def _walk(resolver: URLResolver, prefix="", namespace: tuple[str, ...] = (), localized=False):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            inside = localized or isinstance(pattern.pattern, LocalePrefixPattern)
            yield from _walk(pattern, route, inner, inside)
        else:
            assert isinstance(pattern, URLPattern)
            name = ":".join((*namespace, pattern.name)) if pattern.name else None
            yield route, name, tuple(pattern.pattern.regex.groupindex), localized


def _admin_model(site_name: str, route: str):
    """The registered model whose admin serves `route` on this site, if any."""
    match = re.match(rf"^{site_name}/(\w+)/(\w+)/", route)
    if not match:
        return None
    for model in ADMIN_SITES[site_name]._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups():
            return model
    return None


def url_pages() -> list[Page]:
    pages = []
    for route, name, parameters, localized in _walk(get_resolver()):
        site_name = route.split("/", 1)[0] if route.split("/", 1)[0] in ADMIN_SITES else None
        model = _admin_model(site_name, route) if site_name else None
        if model is not None:
            opts = model._meta
            prefix = f"{site_name}:{opts.app_label}_{opts.model_name}_"
            view = name.removeprefix(prefix) if name else "object"
            key = f"{site_name}:{opts.label_lower}:{view}"
            pages.append(Page(key, name, route, parameters, admin_model=model))
        elif "app_label" in parameters:
            # One row per app the site lists: `(?P<app_label>commerce|auth|…)`.
            for app_label in re.search(r"\(\?P<app_label>([^)]*)\)", route).group(1).split("|"):
                pages.append(Page(f"{name}[{app_label}]", name, route, (), app_label=app_label))
        else:
            pages.append(Page(name or route, name, route, parameters, localized=localized))
    return pages


PAGES = url_pages()


def expectation(page: Page) -> tuple[str, ...] | None:
    if page.admin_model is None:
        return matrix.PAGES.get(page.key)
    rule = matrix.ADMIN_MODELS.get(page.key.rsplit(":", 1)[0])
    if rule is None:
        return None
    view = page.key.rsplit(":", 1)[1]
    return matrix.PAGES.get(page.key) or matrix.ADMIN_RULES[rule].get(view)


# --- the table covers the URL configuration exactly --------------------------------------------


def test_every_url_pattern_has_an_expected_answer_for_every_role():
    missing = [f"{page.key}  ({page.route})" for page in PAGES if expectation(page) is None]

    assert not missing, "URLs without a row in authorization_matrix.py:\n" + "\n".join(missing)
    for page in PAGES:
        answers = expectation(page)
        assert len(answers) == len(matrix.ROLES), page.key
        assert set(answers) <= matrix.ANSWERS, (page.key, answers)


def test_the_table_has_no_row_for_a_url_that_is_gone():
    keys = {page.key for page in PAGES}
    models = {page.key.rsplit(":", 1)[0] for page in PAGES if page.admin_model}

    assert not set(matrix.PAGES) - keys, "stale rows in PAGES"
    assert not set(matrix.ADMIN_MODELS) - models, "stale rows in ADMIN_MODELS"


PARAMETERS = dict(matrix.PARAMETERS)
for _name in ("lead", "opportunity", "error", "conflict"):
    for _page in PAGES:
        if _page.name and _page.name.split(":")[-1].startswith(f"{_name}-"):
            PARAMETERS[f"{_page.name}:pk"] = _name  # lead-detail, lead-qualify, …


def _object(page: Page, world):
    model_admin = ADMIN_SITES[_site(page)]._registry[page.admin_model]
    request = _superuser_request(world["users"]["superuser"])
    return model_admin.get_queryset(request).order_by("pk").first()


def page_url(page: Page, world) -> str:
    if page.app_label:
        return reverse(page.name, kwargs={"app_label": page.app_label})
    if page.name is None:  # an admin's catch-all, or the redirect of a bare object URL
        if page.admin_model is None:
            return f"/{page.route.split('/', 1)[0]}/no-such-page/"
        obj = _object(page, world)
        return reverse(f"{_site(page)}:{_prefix(page)}_change", args=[obj.pk])[: -len("change/")]
    values = {}
    if "content_type_id" in page.parameters:  # "View on site" of a lead
        content_type = ContentType.objects.get_for_model(Lead).pk
        return reverse(page.name, args=[content_type, world["values"]["lead"]])
    for parameter in page.parameters:
        if parameter == "object_id":
            values[parameter] = str(_object(page, world).pk)
        else:
            source = PARAMETERS.get(f"{page.name}:{parameter}") or PARAMETERS[parameter]
            values[parameter] = world["values"][source]
    return reverse(page.name, kwargs=values)


def _site(page: Page) -> str:
    return page.route.split("/", 1)[0]


def _prefix(page: Page) -> str:
    return f"{page.admin_model._meta.app_label}_{page.admin_model._meta.model_name}"


LANGUAGE_PREFIX = re.compile("^/({})/".format("|".join(code for code, _ in settings.LANGUAGES)))


def answer(response) -> str:
    """A response in the table's words (see authorization_matrix.ANSWERS)."""
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302:
        location = LANGUAGE_PREFIX.sub("/", response["Location"])
        return "login" if location.startswith(SIGN_IN_PAGES) else "redirect"
    return str(response.status_code)


def _client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    # A password reset link is valid until its user signs in again; this one stays valid.
    partner = world["users"]["partner_admin"]
    partner.refresh_from_db()
    world["values"]["reset_token"] = default_token_generator.make_token(partner)
    return client


# Query parameters a page needs to answer at all: back office lists only the B2B commerce leads.
QUERIES = {"sales_api:lead-list": "?view=all-b2b-commerce-leads"}


def role_urls(world) -> list[tuple[Page, str, str]]:
    """(page, method, URL): every page by GET, the B2B site's in every language, the API's
    also by OPTIONS (which must refuse whoever GET refuses)."""
    urls = []
    for page in PAGES:
        url = page_url(page, world) + QUERIES.get(page.key, "")
        urls.append((page, "get", url))
        if page.localized:
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    localized = page_url(page, world)
                if localized != url:
                    urls.append((page, "get", localized))
        if url.startswith("/api/") and page.name not in ("api-schema", "api-docs"):
            urls.append((page, "options", url))
    return urls


def expected_answer(page: Page, method: str, column: int) -> str:
    expected = expectation(page)[column]
    if method == "options":
        # The endpoint's description (no object is looked up) for whoever passes its access check.
        return "403" if expected == "403" else "ok"
    return expected


@pytest.mark.parametrize("role", matrix.ROLES)
def test_each_url_answers_each_role_as_the_table_says(world, role):
    column = matrix.ROLES.index(role)
    client = _client(world, role)
    urls = role_urls(world)  # all built before any page could change the data
    wrong = []
    for page, method, url in urls:
        got = answer(getattr(client, method)(url))
        expected = expected_answer(page, method, column)
        if got != expected:
            wrong.append(f"{page.key}  {method.upper()} {url}: expected {expected}, got {got}")
        if role != "anonymous" and "_auth_user_id" not in client.session:
            client = _client(world, role)  # a partner page signed a stranger out

    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# --- state-changing requests by roles that may not make them -----------------------------------


def _state(world, prospect: Prospect, lead: Lead, opportunity_pk: int) -> dict:
    """Everything the refused requests below aim at, as stored."""
    member = world["values"]["member"]
    return {
        "prospect": Prospect.objects.get(pk=prospect.pk).status,
        "maps": sorted(MapState.objects.values_list("code", "state")),
        "errors": sorted(DeliveryError.objects.values_list("pk", "state")),
        "job runs": JobRun.objects.using("commerce").count(),
        "lead": Lead.objects.get(pk=lead.pk).status,
        "opportunity": Opportunity.objects.get(pk=opportunity_pk).status,
        "member in HQ": HierarchyMember.objects.get(customer__account_number=member).status,
        "member on the site": ChannelHierarchyMember.objects.get(
            customer__account_number=member
        ).status,
        "requests of partner admins": PartnerUserRequest.objects.count(),
    }


def test_state_changing_requests_of_roles_without_the_right_are_refused_and_change_nothing(world):
    prospect = ProspectFactory()  # new: approving it would change it
    lead = LeadFactory(b2b_commerce=True)
    MapState.objects.update(state=MapState.State.RUNNING)
    values = world["values"]
    values = {
        **values,
        "new_prospect": prospect.prospect_number,
        "new_prospect_pk": prospect.pk,
        "b2b_lead": lead.pk,
        "map_pk": MapState.objects.get(code=values["map"]).pk,
        "hierarchy_pk": CustomerHierarchy.objects.get(hierarchy_id=values["hierarchy_id"]).pk,
    }
    before = _state(world, prospect, lead, int(values["opportunity"]))
    wrong = []
    for roles, method, url, body, expected in matrix.REFUSED_CHANGES:
        url = url.format(**values)
        for role in roles:
            client = _client(world, role)
            if url.startswith("/api/"):
                response = getattr(client, method)(url, body, content_type="application/json")
            else:  # the consoles' and the site's forms
                response = getattr(client, method)(url, body)
            if answer(response) != expected:
                wrong.append(f"{role} {method.upper()} {url}: {answer(response)}")

    assert not wrong, "\n".join(wrong)
    assert _state(world, prospect, lead, int(values["opportunity"])) == before
