"""The consoles' language (issue 13): the picker in the header, kept on the staff profile, wins
over the browser's language after sign-in; before it the browser's language applies."""

import pytest
from django.test import Client

from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES
from core.models import StaffProfile
from core.services import staff_language_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

PICKER = "/console/language/"


@pytest.fixture
def back_office():
    return UserFactory(username="ewa.backoffice", groups=[COMMERCE_BACK_OFFICE])


@pytest.fixture
def rep():
    return UserFactory(username="jana.rep", groups=[SALES_REPRESENTATIVES])


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _language_of(response) -> str:
    return response.headers["Content-Language"]


def test_the_profile_language_wins_over_the_browser_on_hq(back_office):
    staff_language_set(user=back_office, language="cs")

    response = _signed_in(back_office).get("/hq/", HTTP_ACCEPT_LANGUAGE="pl")

    assert _language_of(response) == "cs"
    page = response.content.decode()
    assert '<html lang="cs"' in page
    assert "Odhlásit se" in page  # Django's own "Log out" in Czech


def test_the_profile_language_wins_over_the_browser_on_sales(rep):
    staff_language_set(user=rep, language="pl")

    response = _signed_in(rep).get("/sales/", HTTP_ACCEPT_LANGUAGE="cs")

    assert _language_of(response) == "pl"
    assert "Wyloguj się" in response.content.decode()


def test_without_a_profile_the_browser_language_applies(back_office):
    response = _signed_in(back_office).get("/hq/", HTTP_ACCEPT_LANGUAGE="pl")

    assert _language_of(response) == "pl"


def test_the_picker_keeps_the_choice_on_the_profile_for_the_next_sign_in(back_office):
    client = _signed_in(back_office)

    response = client.post(PICKER, {"language": "cs", "next": "/hq/commerce/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/hq/commerce/"
    assert StaffProfile.objects.get(user=back_office).language == "cs"
    # Another browser, another session, a Polish browser: still Czech.
    later = _signed_in(back_office).get("/hq/", HTTP_ACCEPT_LANGUAGE="pl")
    assert _language_of(later) == "cs"


def test_picking_again_changes_the_one_profile(rep):
    client = _signed_in(rep)
    client.post(PICKER, {"language": "cs", "next": "/sales/"})
    client.post(PICKER, {"language": "en", "next": "/sales/"})

    assert list(StaffProfile.objects.values_list("language", flat=True)) == ["en"]
    assert _language_of(client.get("/sales/", HTTP_ACCEPT_LANGUAGE="cs")) == "en"


def test_an_unknown_language_changes_nothing(back_office):
    client = _signed_in(back_office)

    client.post(PICKER, {"language": "de", "next": "/hq/"})

    assert not StaffProfile.objects.exists()


def test_the_picker_answers_only_a_post(back_office):
    assert _signed_in(back_office).get(PICKER).status_code == 405


def test_the_sign_in_page_follows_the_browser_and_offers_the_picker():
    page = Client().get("/hq/login/", HTTP_ACCEPT_LANGUAGE="cs").content.decode()

    assert '<html lang="cs"' in page
    assert 'action="/console/language/"' in page
    # Each language named in itself, the current one selected.
    assert '<option value="en" lang="en">English</option>' in page
    assert '<option value="pl" lang="pl">polski</option>' in page
    assert '<option value="cs" lang="cs" selected>čeština</option>' in page
    assert '<label for="console-language"' in page


def test_the_picker_before_sign_in_sets_the_browser_choice_only():
    client = Client()

    client.post(PICKER, {"language": "pl", "next": "/sales/login/"})

    assert not StaffProfile.objects.exists()
    response = client.get("/sales/login/", HTTP_ACCEPT_LANGUAGE="cs")
    assert _language_of(response) == "pl"


def test_the_api_keeps_the_client_language(back_office):
    staff_language_set(user=back_office, language="cs")

    response = _signed_in(back_office).get("/api/commerce/", HTTP_ACCEPT_LANGUAGE="pl")

    assert _language_of(response) == "pl"


def test_the_site_keeps_its_url_prefix(back_office):
    staff_language_set(user=back_office, language="cs")

    response = _signed_in(back_office).get("/pl/", HTTP_ACCEPT_LANGUAGE="en")

    assert _language_of(response) == "pl"
