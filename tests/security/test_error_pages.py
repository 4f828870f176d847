"""Error answers with debug off (SPEC §11): branded pages on the site, JSON under /api/."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest
from django.template import loader
from django.test import Client
from django.urls import path
from django.views.defaults import server_error

from config import urls as project_urls

pytestmark = pytest.mark.django_db(databases="__all__")


def _fails(request):
    raise RuntimeError("an unexpected failure in a plain Django view")


# The project's URLs and handlers, plus views that fail: one under /api/ outside DRF, one on the
# site (with its language prefixes).
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
urlpatterns = [
    path("api/fails/", _fails),
    *project_urls.urlpatterns,
    *i18n_patterns(path("fails/", _fails), prefix_default_language=False),
]


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def client():
    # The answer a visitor gets, not the exception the test client would raise.
    return Client(raise_request_exception=False)


def test_a_missing_page_is_the_sites_branded_page_in_the_visitors_language(client, settings):
    response = client.get("/pl/partner/nope/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="pl">' in page
    assert f'<a class="brand" href="/pl/">{settings.STORE_NAME}</a>' in page
    assert "/static/css/site.css" in page
    assert "Powrót na stronę główną" in page  # "Back to the home page"
    assert "Hurt dla firm" in page  # the site's footer
    assert "Not Found" not in page  # Django's bare page says "Not Found"


def test_a_missing_page_in_english(client, settings):
    page = client.get("/partner/nope/").content.decode()

    assert '<html lang="en">' in page
    assert "<h1>Page not found</h1>" in page
    assert f"{settings.STORE_NAME}</a>" in page


def test_a_missing_api_address_answers_json_in_the_clients_language(client):
    response = client.get("/api/nope/", headers={"accept-language": "pl"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Nie znaleziono.", "code": "not_found"}


def test_an_unexpected_error_outside_drf_under_api_answers_json(client, failing_urls):
    response = client.get("/api/fails/", headers={"accept-language": "pl"})

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Wystąpił błąd serwera. Spróbuj ponownie później.",
        "code": "server_error",
    }


def test_an_unexpected_error_on_the_site_is_the_branded_page(client, failing_urls, settings):
    response = client.get("/pl/fails/")

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="pl">' in page
    assert f'<a class="brand" href="/pl/">{settings.STORE_NAME}</a>' in page
    assert "Wystąpił błąd serwera. Spróbuj ponownie później." in page
    assert "RuntimeError" not in page
    assert "Traceback" not in page


def test_the_500_page_renders_with_djangos_empty_context(settings):
    # Django's own handler (used when the project's fails) renders 500.html without any context.
    response = server_error(HttpRequest())
    page = response.content.decode()

    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in page
    assert "/static/css/site.css" in page
    assert '<a class="brand" href="/">Shop</a>' in loader.render_to_string(
        "500.html", {"store_name": "Shop"}
    )


def test_refusals_under_api_answer_json_and_elsewhere_the_branded_page(rf):
    from core.api import bad_request, permission_denied

    api_refusal = permission_denied(rf.get("/api/commerce/x/"), None)
    site_refusal = bad_request(rf.get("/partner/x/"), None)

    assert api_refusal.status_code == 403
    assert api_refusal["Content-Type"] == "application/json"
    assert b'"code": "permission_denied"' in api_refusal.content
    assert site_refusal.status_code == 400
    assert "<h1>Bad request</h1>" in site_refusal.content.decode()
