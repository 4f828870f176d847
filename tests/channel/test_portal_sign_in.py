"""Partner sign-in, sign-out and password reset; who may sign in comes from the channel copy."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from commerce.channel.services import partner_invitation_accept
from commerce.jobs import job_execute
from commerce.services import hierarchy_member_remove
from core.access import COMMERCE_BACK_OFFICE
from tests.factories import ProspectFactory, UserFactory

from .portal_support import PASSWORD, approved_organization, signed_in

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_IN = "/partner/sign-in/"
WITHDRAWN = "Your access to this organization was withdrawn. Ask your administrator."
WRONG_PASSWORD = "Please enter the email address and password of your B2B account."


def _sign_in(client, username: str, password: str = PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


@pytest.fixture
def organization():
    organization = approved_organization(email="jiri.dvorak@kun.cz", first_name="Jiří")
    partner_invitation_accept(token=organization.admin_token, password=PASSWORD)
    return organization


def test_the_sign_in_page_asks_for_email_and_password(client):
    html = client.get(SIGN_IN).content.decode()
    assert "Partner sign-in" in html
    assert 'type="email" name="username"' in html and 'name="password"' in html
    assert 'href="/partner/password-reset/"' in html


def test_an_active_member_signs_in_with_any_case_of_the_email(client, organization):
    response = _sign_in(client, "  Jiri.Dvorak@KUN.cz ")

    assert response.status_code == 302 and response["Location"] == "/partner/account/"
    html = client.get("/partner/account/").content.decode()
    assert "jiri.dvorak@kun.cz" in html
    assert "Sign out" in html and "My account" in html


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, organization):
    response = _sign_in(client, "jiri.dvorak@kun.cz", "wrong-password")

    assert response.status_code == 200
    assert "Please enter the email address and password of your B2B account." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_nobody_from_a_prospect_not_yet_approved_can_sign_in(client):
    prospect = ProspectFactory(email="czeka@hurtownia.pl")
    # Even a login someone made for that email by hand has no membership on the site.
    get_user_model().objects.create_user(
        username=prospect.email, email=prospect.email, password=PASSWORD
    )

    response = _sign_in(client, prospect.email)

    assert response.status_code == 200
    assert "This account has no access to the B2B site." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_cannot_sign_in_on_the_partner_site(client):
    UserFactory(username="anna@b2b.example", password=PASSWORD, groups=[COMMERCE_BACK_OFFICE])

    response = _sign_in(client, "anna@b2b.example")

    assert "This account has no access to the B2B site." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_removed_member_is_refused_at_once_and_their_session_ends(organization):
    colleague_client = _colleague(organization)
    assert colleague_client.get("/partner/account/").status_code == 200

    admin = signed_in(organization.admin_email)
    (colleague,) = [u for u in _users(admin) if u["email"] == "eva@kun.cz"]
    admin.post(f"/partner/organization/users/{colleague['account_number']}/remove/")

    # Before any job has run:
    response = colleague_client.get("/partner/account/")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    again = _sign_in(Client(), "eva@kun.cz")
    assert again.status_code == 200
    assert "_auth_user_id" not in again.wsgi_request.session
    assert WITHDRAWN in again.content.decode()


def test_a_member_hq_removed_is_refused_once_1010_has_copied_it(organization):
    colleague_client = _colleague(organization)
    account = next(
        u for u in _users(signed_in(organization.admin_email)) if u["email"] == "eva@kun.cz"
    )

    hierarchy_member_remove(
        hierarchy_id=organization.hierarchy_id,
        account_number=account["account_number"],
        actor="backoffice",
    )
    job_execute(code="1010")

    response = colleague_client.get("/partner/account/", follow=True)
    assert response.redirect_chain[-1][0].startswith(SIGN_IN)
    assert WITHDRAWN in response.content.decode()
    assert "_auth_user_id" not in colleague_client.session
    again = _sign_in(Client(), "eva@kun.cz")
    assert "_auth_user_id" not in again.wsgi_request.session
    assert WITHDRAWN in again.content.decode()


def test_a_user_an_admin_removed_is_told_so_only_with_the_right_password(organization):
    _colleague(organization)
    admin = signed_in(organization.admin_email)
    (colleague,) = [u for u in _users(admin) if u["email"] == "eva@kun.cz"]
    admin.post(f"/partner/organization/users/{colleague['account_number']}/remove/")

    right = _sign_in(Client(), "Eva@kun.cz").content.decode()
    wrong = _sign_in(Client(), "eva@kun.cz", "wrong-password").content.decode()

    assert WITHDRAWN in right and WRONG_PASSWORD not in right
    assert WRONG_PASSWORD in wrong and WITHDRAWN not in wrong


def test_a_removed_user_is_throttled_like_anyone_and_learns_nothing_while_locked(
    organization, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    _colleague(organization)
    admin = signed_in(organization.admin_email)
    (colleague,) = [u for u in _users(admin) if u["email"] == "eva@kun.cz"]
    admin.post(f"/partner/organization/users/{colleague['account_number']}/remove/")

    for _ in range(3):
        _sign_in(Client(), "eva@kun.cz", "wrong-password")
    locked = _sign_in(Client(), "eva@kun.cz")

    assert locked.status_code == 429
    assert "Too many failed sign-in attempts." in locked.content.decode()
    assert WITHDRAWN not in locked.content.decode()


def test_sign_out_ends_the_session(organization):
    client = signed_in(organization.admin_email)

    response = client.post("/partner/sign-out/")

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/partner/account/")["Location"].startswith(SIGN_IN)


def test_password_reset_mails_a_working_link_to_a_partner_user(client, organization, settings):
    settings.STORE_NAME = "Velkoobchod Łódź"
    response = client.post("/partner/password-reset/", {"email": "JIRI.DVORAK@kun.cz"})

    assert response["Location"] == "/partner/password-reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["jiri.dvorak@kun.cz"]
    assert message.subject == "Reset your password at Velkoobchod Łódź"
    assert "Hello Jiří" in message.body
    link = re.search(r"http://testserver(/partner/password-reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Nové-heslo-2026", "new_password2": "Nové-heslo-2026"},
    )
    assert done["Location"] == "/partner/password-reset/complete/"
    assert _sign_in(Client(), "jiri.dvorak@kun.cz", "Nové-heslo-2026").status_code == 302


def test_password_reset_sends_nothing_to_staff_or_unknown_addresses(client):
    UserFactory(username="anna", email="anna@b2b.example", groups=[COMMERCE_BACK_OFFICE])

    for email in ("anna@b2b.example", "nobody@example.com"):
        response = client.post("/partner/password-reset/", {"email": email})
        assert response["Location"] == "/partner/password-reset/sent/"
    assert mail.outbox == []


def test_partner_users_cannot_reach_the_consoles(organization):
    client = signed_in(organization.admin_email)

    for console in ("/hq/", "/sales/"):
        response = client.get(console)
        assert response.status_code == 302 and "/login/" in response["Location"], console


def test_staff_signed_in_to_hq_are_not_partners_on_the_site():
    client = Client()
    client.force_login(UserFactory(groups=[COMMERCE_BACK_OFFICE]))

    response = client.get("/partner/account/")

    assert response.status_code == 403
    assert "For business partners only" in response.content.decode()
    assert "_auth_user_id" in client.session  # their HQ session is left alone


# --- helpers -----------------------------------------------------------------------------------


def _users(admin_client) -> list[dict]:
    return admin_client.get("/api/channel/organization/users/").json()


def _colleague(organization) -> Client:
    """A second, active user of the organization added through the site and the jobs."""
    from .portal_support import run_jobs

    admin = signed_in(organization.admin_email)
    admin.post(
        "/partner/organization/users/add/",
        {
            "first_name": "Eva",
            "last_name": "Svobodová",
            "email": "eva@kun.cz",
            "role": "user",
            "spending_limit": "",
            "language": "cs",
        },
    )
    run_jobs()
    return signed_in("eva@kun.cz")
