"""Sign-in throttling per account and per client on the partner site, HQ and Sales (SPEC §11).

Before issue 11, 40 wrong passwords followed by the right one signed in on all three pages.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.test import Client

from commerce.channel.services import partner_invitation_accept
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from tests.channel.portal_support import PASSWORD, approved_organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

LIMIT = 5
COOL_OFF = timedelta(minutes=15)
ATTACKER = "198.51.100.7"
OWNER = "203.0.113.20"
STAFF_PASSWORD = "correct horse battery staple"
PARTNER_LOCKED = "Too many failed sign-in attempts. Try again in 15 minutes or reset your password."
CONSOLE_LOCKED = (
    "Too many failed sign-in attempts. Try again in 15 minutes or ask an administrator to lift "
    "the lock."
)


@dataclass(frozen=True)
class Page:
    url: str
    username: str
    password: str
    locked: str
    signed_in_to: str  # where the right password leads


@pytest.fixture(autouse=True)
def _throttling(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = COOL_OFF


@pytest.fixture(params=["partner", "hq", "sales"])
def page(request) -> Page:
    if request.param == "partner":
        organization = approved_organization(email="jiri.dvorak@kun.cz", first_name="Jiří")
        partner_invitation_accept(token=organization.admin_token, password=PASSWORD)
        return Page(
            "/partner/sign-in/", "jiri.dvorak@kun.cz", PASSWORD, PARTNER_LOCKED, "/partner/account/"
        )
    if request.param == "hq":
        UserFactory(username="ewa", is_staff=False, groups=[COMMERCE_BACK_OFFICE])
        return Page("/hq/login/", "ewa", STAFF_PASSWORD, CONSOLE_LOCKED, "/hq/")
    UserFactory(username="jan.rep", groups=[SALES_REPRESENTATIVES])
    return Page("/sales/login/", "jan.rep", STAFF_PASSWORD, CONSOLE_LOCKED, "/sales/")


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _sign_in(client: Client, page: Page, username: str, password: str):
    return client.post(
        page.url, {"username": username, "password": password, "next": page.signed_in_to}
    )


def _fail(client: Client, page: Page, times: int, username: str | None = None):
    responses = [
        _sign_in(client, page, username or page.username, f"wrong-{n}") for n in range(times)
    ]
    return responses[-1]


def _assert_locked_out(response, client: Client, message: str) -> None:
    html = response.content.decode()
    assert response.status_code == 429
    assert message in html
    # The same sign-in page, without the wrong-password error: the password was not checked.
    assert 'name="password"' in html
    assert "Please enter" not in html
    assert "_auth_user_id" not in client.session


def test_the_right_password_after_too_many_wrong_ones_is_refused(page):
    client = _client(ATTACKER)
    assert _fail(client, page, LIMIT - 1).status_code == 200

    reached = _fail(client, page, 1)
    _assert_locked_out(reached, client, page.locked)

    right = _sign_in(client, page, page.username, page.password)
    _assert_locked_out(right, client, page.locked)
    # On record for HQ; tries while locked out are not counted (they would not end the lock).
    assert AccessFailureLog.objects.filter(username=page.username).count() == LIMIT


def test_the_lock_holds_for_the_account_from_any_other_client(page):
    _fail(_client(ATTACKER), page, LIMIT)

    owner = _client(OWNER)
    _assert_locked_out(_sign_in(owner, page, page.username, page.password), owner, page.locked)


def test_the_lock_holds_for_the_client_on_any_other_account(page):
    attacker = _client(ATTACKER)
    for n in range(LIMIT):
        _sign_in(attacker, page, f"guess{n}@example.com", "wrong")

    _assert_locked_out(
        _sign_in(attacker, page, page.username, page.password), attacker, page.locked
    )
    # The account itself is not locked: its owner, elsewhere, signs in.
    owner = _client(OWNER)
    assert _sign_in(owner, page, page.username, page.password)["Location"] == page.signed_in_to


def test_variants_of_the_username_count_against_one_account(page):
    attacker = _client(ATTACKER)
    for n in range(LIMIT):
        _sign_in(attacker, page, f" {page.username.upper()} ", f"wrong-{n}")

    owner = _client(OWNER)
    _assert_locked_out(_sign_in(owner, page, page.username, page.password), owner, page.locked)


def test_the_lock_ends_after_the_cool_off(page):
    client = _client(ATTACKER)
    _fail(client, page, LIMIT)

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))
    still = _sign_in(client, page, page.username, page.password)
    _assert_locked_out(still, client, page.locked.replace("15 minutes", "5 minutes"))

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))
    response = _sign_in(client, page, page.username, page.password)
    assert response.status_code == 302 and response["Location"] == page.signed_in_to
    assert "_auth_user_id" in client.session


def test_a_successful_sign_in_clears_the_failures(page):
    client = _client(ATTACKER)
    _fail(client, page, LIMIT - 1)
    assert _sign_in(client, page, page.username, page.password).status_code == 302
    assert not AccessAttempt.objects.exists()

    fresh = _client(ATTACKER)
    assert _fail(fresh, page, LIMIT - 1).status_code == 200
    assert _sign_in(fresh, page, page.username, page.password).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_guesses_at_others(page):
    client = _client(ATTACKER)
    for n in range(LIMIT - 1):
        _sign_in(client, page, f"guess{n}@example.com", "wrong")
    assert _sign_in(client, page, page.username, page.password).status_code == 302
    client.post(page.url.replace("sign-in", "sign-out").replace("login", "logout"))

    _assert_locked_out(_sign_in(client, page, "guess9@example.com", "wrong"), client, page.locked)


def test_the_partner_lockout_is_told_in_the_pages_language():
    organization = approved_organization(email="ola@hurt.pl")
    partner_invitation_accept(token=organization.admin_token, password=PASSWORD)
    client = _client(ATTACKER)
    for n in range(LIMIT):
        response = client.post(
            "/pl/partner/sign-in/", {"username": "ola@hurt.pl", "password": f"wrong-{n}"}
        )

    assert response.status_code == 429
    assert (
        "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za 15 minut lub zresetuj hasło."
        in response.content.decode()
    )


def test_a_new_password_from_the_emailed_link_lifts_the_account_lock(client, mailoutbox):
    organization = approved_organization(email="jiri.dvorak@kun.cz")
    partner_invitation_accept(token=organization.admin_token, password=PASSWORD)
    _fail(_client(ATTACKER), Page("/partner/sign-in/", "jiri.dvorak@kun.cz", "", "", ""), LIMIT)

    owner = _client(OWNER)
    owner.post("/partner/password-reset/", {"email": "jiri.dvorak@kun.cz"})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/password-reset/" in line)
    form_url = owner.get(link.strip()[link.index("/partner/") :])["Location"]
    owner.post(form_url, {"new_password1": "Nowe-haslo-2026!", "new_password2": "Nowe-haslo-2026!"})

    response = owner.post(
        "/partner/sign-in/", {"username": "jiri.dvorak@kun.cz", "password": "Nowe-haslo-2026!"}
    )
    assert response.status_code == 302 and response["Location"] == "/partner/account/"


# --- HQ: who sees the attempts and lifts a lock -----------------------------------------------


def _locked_out_account() -> None:
    UserFactory(username="ewa", is_staff=False, groups=[COMMERCE_BACK_OFFICE])
    _fail(_client(ATTACKER), Page("/hq/login/", "ewa", "", "", ""), LIMIT)


@pytest.mark.parametrize("groups", [[COMMERCE_BACK_OFFICE], [SALES_REPRESENTATIVES]])
def test_back_office_and_reps_do_not_see_the_attempts(client, groups):
    _locked_out_account()
    client.force_login(UserFactory(groups=groups))

    assert client.get("/hq/axes/accessattempt/").status_code in (302, 403)
    assert client.get("/hq/axes/accessfailurelog/").status_code in (302, 403)


def test_an_integration_administrator_lifts_a_lockout(client):
    _locked_out_account()
    client.force_login(UserFactory(is_staff=False, groups=[INTEGRATION_ADMINISTRATORS]))

    listing = client.get("/hq/axes/accessattempt/").content.decode()
    assert "ewa" in listing and ATTACKER in listing
    index = client.get("/hq/").content.decode()
    assert "Sign-in security" in index and "Failed sign-in attempts" in index
    assert "column-user_agent" not in listing and "column-ip_address" in listing

    response = client.post(
        "/hq/axes/accessattempt/",
        {
            "action": "lift_lockout",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert "Forgot 1 failed sign-in record" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    # The failures stay on record.
    assert AccessFailureLog.objects.filter(username="ewa").count() == LIMIT

    owner = _client(OWNER)
    response = owner.post(
        "/hq/login/", {"username": "ewa", "password": STAFF_PASSWORD, "next": "/hq/"}
    )
    assert response.status_code == 302 and response["Location"] == "/hq/"
