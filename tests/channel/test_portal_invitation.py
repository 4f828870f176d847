"""Invitation links: a password is set once, before expiry; other links explain themselves."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.utils import timezone

from commerce.channel.models import PartnerUser
from commerce.models import EmailNotification, Invitation
from commerce.selectors import invitation_token_hash
from commerce.services import hierarchy_member_remove
from core.access import COMMERCE_BACK_OFFICE
from tests.factories import UserFactory

from .portal_support import PASSWORD, approved_organization, invitation_token

pytestmark = pytest.mark.django_db(databases="__all__")

User = get_user_model()


def _url(token: str) -> str:
    return f"/partner/invitation/{token}/"


def _set_password(client, token: str, password: str = PASSWORD, confirmation: str | None = None):
    return client.post(
        _url(token),
        {"new_password1": password, "new_password2": confirmation or password},
    )


def _invitation(token: str) -> Invitation:
    return Invitation.objects.get(token_hash=invitation_token_hash(token))


@pytest.fixture
def organization():
    return approved_organization(
        first_name="Żaneta", last_name="Żółć", email="Zaneta.Zolc@Hurtownia.pl"
    )


def test_the_link_opens_a_set_password_page_for_the_invited_person(client, organization):
    html = client.get(_url(organization.admin_token)).content.decode()

    assert "Set your password" in html
    assert "Welcome, Żaneta." in html
    assert "Zaneta.Zolc@Hurtownia.pl" in html
    assert 'name="new_password1"' in html and 'name="new_password2"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_setting_the_password_creates_the_partner_user_signs_in_and_uses_up_the_link(
    client, organization
):
    response = _set_password(client, organization.admin_token)

    assert response.status_code == 302 and response["Location"] == "/partner/account/"
    user = User.objects.get()
    assert user.username == "zaneta.zolc@hurtownia.pl"
    assert (user.first_name, user.last_name) == ("Żaneta", "Żółć")
    assert user.check_password(PASSWORD)
    assert not user.is_staff and not user.is_superuser and user.is_active
    assert not user.groups.exists()
    link = PartnerUser.objects.get(user_id=user.pk)
    assert (link.account_number, link.hierarchy_id) == (
        organization.admin_account,
        organization.hierarchy_id,
    )
    assert _invitation(organization.admin_token).used_at is not None
    account = client.get("/partner/account/").content.decode()
    assert "Your password is set and you are signed in." in account
    assert organization.prospect.company_name in account


def test_a_link_works_only_once(client, organization):
    _set_password(client, organization.admin_token)
    client.logout()

    response = _set_password(client, organization.admin_token, password="another-Passw0rd!")

    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has already been used" in html
    # The person has a password now: they sign in or reset it; no new link is offered.
    assert "Email me a new link" not in html
    assert "/partner/password-reset/" in html
    assert User.objects.get().check_password(PASSWORD)


def test_an_expired_link_explains_itself_and_changes_nothing(client, organization):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    page = client.get(_url(organization.admin_token))
    posted = _set_password(client, organization.admin_token)

    assert page.status_code == posted.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert not User.objects.exists()
    assert _invitation(organization.admin_token).used_at is None


def test_the_expiry_follows_the_setting(settings):
    settings.INVITATION_TTL_DAYS = 2
    organization = approved_organization()
    invitation = _invitation(organization.admin_token)
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=2), abs=timedelta(seconds=5)
    )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:20],
        lambda token: token + "x",
        lambda token: "x" * 300,
        lambda token: "%3Cscript%3E",
    ],
)
def test_a_tampered_link_gets_the_same_invalid_page_and_changes_nothing(
    client, organization, tamper
):
    unknown = client.get(_url("not-a-real-token")).content.decode()

    response = client.get(_url(tamper(organization.admin_token)))
    posted = _set_password(client, tamper(organization.admin_token))

    assert response.status_code == posted.status_code == 404
    assert response.content.decode() == unknown
    assert "This link is not valid" in unknown
    assert organization.admin_email not in unknown and "Żaneta" not in unknown
    assert not User.objects.exists()
    assert _invitation(organization.admin_token).used_at is None


def test_a_weak_or_mismatched_password_is_refused_and_nothing_changes(client, organization):
    for password, confirmation, message in [
        ("short", None, "This password is too short."),
        ("password123", None, "This password is too common."),
        ("zaneta.zolc", None, "The password is too similar to the"),
        (PASSWORD, PASSWORD + "!", "The two password fields didn"),
    ]:
        response = _set_password(client, organization.admin_token, password, confirmation)
        assert response.status_code == 200
        assert message in response.content.decode(), password
        # The refused input is marked for the stylesheet's red border, not only for screen readers.
        (invalid,) = re.findall(r'<input[^>]*aria-invalid="true"[^>]*>', response.content.decode())
        assert 'class="input--invalid"' in invalid, password
    assert not User.objects.exists()
    assert _invitation(organization.admin_token).used_at is None


def test_a_new_link_is_emailed_for_an_expired_one(client, organization):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))

    response = client.post(_url(organization.admin_token) + "new-link/")

    assert response.status_code == 200
    assert "We have sent a new link to Zaneta.Zolc@Hurtownia.pl." in response.content.decode()
    renewed = EmailNotification.objects.get(type=EmailNotification.Type.PARTNER_USER_INVITED)
    assert renewed.recipient == "Zaneta.Zolc@Hurtownia.pl"
    assert renewed.language == "pl"
    new_token = invitation_token(organization.admin_email)
    assert new_token != organization.admin_token
    assert _set_password(client, new_token).status_code == 302
    assert User.objects.get().check_password(PASSWORD)


def test_a_new_link_for_a_tampered_token_sends_nothing(client, organization):
    response = client.post(_url(organization.admin_token[:-2] + "zz") + "new-link/")

    assert response.status_code == 404
    assert not EmailNotification.objects.filter(type="partner_user_invited").exists()


def test_a_removed_users_link_is_withdrawn(client, organization):
    from commerce.services import hierarchy_member_add

    member = hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jan",
        last_name="Novák",
        email="jan@kun.cz",
        role="user",
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )
    token = invitation_token("jan@kun.cz")
    hierarchy_member_remove(
        hierarchy_id=organization.hierarchy_id,
        account_number=member.customer.account_number,
        actor="backoffice",
    )

    page = client.get(_url(token))
    renewal = client.post(_url(token) + "new-link/")

    assert page.status_code == 410
    assert "This invitation was withdrawn" in page.content.decode()
    assert "You no longer have access to the business account of" in page.content.decode()
    assert "Email me a new link" not in page.content.decode()
    assert renewal.status_code == 410
    assert EmailNotification.objects.filter(type="partner_user_invited").count() == 1
    assert _set_password(client, token).status_code == 410
    assert not User.objects.exists()


def test_a_staff_account_with_the_same_email_is_never_taken_over(client, organization):
    staff = UserFactory(username="zaneta.zolc@hurtownia.pl", groups=[COMMERCE_BACK_OFFICE])

    response = _set_password(client, organization.admin_token)

    assert response.status_code == 200
    assert "belongs to a staff account" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password("correct horse battery staple")
    assert not PartnerUser.objects.exists()
    assert _invitation(organization.admin_token).used_at is None


def test_setting_the_password_before_1010_copied_the_membership_waits_for_it(client):
    from commerce.jobs import job_execute

    organization = approved_organization(copy=False)

    response = _set_password(client, organization.admin_token)

    assert response.status_code == 200
    assert "Your password is set" in response.content.decode()
    assert "_auth_user_id" not in client.session
    job_execute(code="1010")
    signed_in = client.post(
        "/partner/sign-in/", {"username": organization.admin_email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_hq_being_down_gives_a_kind_page_not_an_error(client, organization, monkeypatch):
    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("commerce.channel.selectors.invitation_lookup", down)

    response = client.get(_url(organization.admin_token))

    assert response.status_code == 503
    assert "Please try again shortly" in response.content.decode()


def test_a_user_removed_on_the_site_before_using_the_link_gets_no_access(client, organization):
    from commerce.jobs import job_execute
    from commerce.services import hierarchy_member_add

    from .portal_support import signed_in

    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jan",
        last_name="Novák",
        email="jan@kun.cz",
        role="user",
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")
    admin = signed_in(organization.admin_email)
    (jan,) = [
        user
        for user in admin.get("/api/channel/organization/users/").json()
        if user["email"] == "jan@kun.cz"
    ]
    removed = admin.post(f"/partner/organization/users/{jan['account_number']}/remove/")
    assert removed.status_code == 302

    # HQ has not heard of the removal yet, but the site has: the link is withdrawn at once.
    token = invitation_token("jan@kun.cz")
    response = _set_password(client, token)

    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="jan@kun.cz").exists()
    assert _invitation(token).used_at is None
