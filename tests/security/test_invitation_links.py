"""Invitation links (issue 11): a new link withdraws the older ones, a used link of an active
account gives no new one, link requests are limited per person and per client, and a user
removed while still pending cannot set a password."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from commerce.channel.models import PartnerUser
from commerce.jobs import job_execute
from commerce.models import EmailNotification, HierarchyMember, Invitation
from commerce.selectors import invitation_token_hash
from commerce.services import hierarchy_member_add, hierarchy_member_remove, invitation_redeem
from core.errors import NotAllowed
from tests.channel.portal_support import (
    PASSWORD,
    approved_organization,
    invitation_token,
    signed_in,
)

pytestmark = pytest.mark.django_db(databases="__all__")

User = get_user_model()
INVITED = "partner_user_invited"


def _url(token: str) -> str:
    return f"/partner/invitation/{token}/"


def _set_password(client, token: str):
    return client.post(_url(token), {"new_password1": PASSWORD, "new_password2": PASSWORD})


def _new_link(client, token: str, **extra):
    return client.post(_url(token) + "new-link/", **extra)


def _invitation(token: str) -> Invitation:
    return Invitation.objects.get(token_hash=invitation_token_hash(token))


@pytest.fixture
def organization():
    return approved_organization(first_name="Żaneta", email="zaneta@hurtownia.pl")


def _add_user(organization, email: str) -> HierarchyMember:
    return hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jan",
        last_name="Novák",
        email=email,
        role="user",
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )


# --- a new link withdraws the older ones ------------------------------------------------------


def test_after_email_me_a_new_link_the_older_link_no_longer_sets_a_password(client, organization):
    old = organization.admin_token
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _new_link(client, old).status_code == 200
    new = invitation_token(organization.admin_email)
    Invitation.objects.filter(token_hash=invitation_token_hash(old)).update(
        expires_at=timezone.now() + timedelta(days=1)
    )

    page = client.get(_url(old))
    posted = _set_password(client, old)

    for response in (page, posted):
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link was replaced by a newer one" in html
        assert organization.admin_email not in html and "Żaneta" not in html
    assert not User.objects.exists()
    assert _invitation(old).used_at is None and _invitation(old).withdrawn_at is not None
    assert _set_password(client, new).status_code == 302
    assert User.objects.get().check_password(PASSWORD)


def test_an_invitation_from_hq_withdraws_the_persons_earlier_links(organization):
    from commerce.services import invitation_renew

    first = organization.admin_token
    invitation_renew(token=first)
    second = invitation_token(organization.admin_email)
    invitation_renew(token=second)

    with pytest.raises(NotAllowed) as refused:
        invitation_redeem(token=first)
    assert refused.value.code == "withdrawn"
    with pytest.raises(NotAllowed):
        invitation_redeem(token=second)
    assert Invitation.objects.filter(withdrawn_at__isnull=True).count() == 1


# --- no new link from a used link of an active account ----------------------------------------


def test_a_used_link_of_an_active_account_gives_no_new_link(client, organization):
    assert _set_password(client, organization.admin_token).status_code == 302
    client.logout()
    sent = EmailNotification.objects.filter(type=INVITED).count()

    page = client.get(_url(organization.admin_token)).content.decode()
    response = _new_link(client, organization.admin_token)

    assert "Email me a new link" not in page and "/partner/password-reset/" in page
    assert response.status_code == 410
    assert "Sign in with it, or reset your password" in response.content.decode()
    assert EmailNotification.objects.filter(type=INVITED).count() == sent
    assert Invitation.objects.count() == 1


# --- link requests are limited per person and per client ---------------------------------------


def test_new_links_for_one_person_are_limited_whoever_asks(client, organization):
    token = organization.admin_token
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    answers = [
        _new_link(client, token, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(1, 6)
    ]

    assert answers == [200, 200, 200, 429, 429]
    assert EmailNotification.objects.filter(type=INVITED).count() == 3
    limited = _new_link(client, token, REMOTE_ADDR="198.51.100.9").content.decode()
    assert "We have sent several new links already." in limited


def test_the_per_client_limit_counts_the_client_behind_a_trusted_proxy(
    client, organization, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    tokens = []
    for n in range(6):
        _add_user(organization, f"user{n}@kun.cz")
        tokens.append(invitation_token(f"user{n}@kun.cz"))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    # Six people behind one proxy: each their own client, none limited.
    answers = [
        _new_link(
            client, token, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n, token in enumerate(tokens, start=1)
    ]
    assert answers == [200] * 6

    # One client asking for six people is limited at the sixth.
    for n in range(5):
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        fresh = invitation_token(f"user{n}@kun.cz")
        assert _new_link(client, fresh, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 200
    last = invitation_token("user5@kun.cz")
    assert _new_link(client, last, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


# --- a user removed while pending -------------------------------------------------------------


def test_a_pending_user_removed_on_the_site_cannot_set_a_password_before_the_jobs_run(
    client, organization
):
    _add_user(organization, "jan@kun.cz")
    job_execute(code="1010")
    token = invitation_token("jan@kun.cz")
    account = HierarchyMember.objects.get(customer__email="jan@kun.cz").customer.account_number
    admin = signed_in(organization.admin_email)
    assert admin.post(f"/partner/organization/users/{account}/remove/").status_code == 302

    page = client.get(_url(token))
    posted = _set_password(client, token)

    assert page.status_code == posted.status_code == 410
    assert "This invitation was withdrawn" in posted.content.decode()
    assert not User.objects.filter(username="jan@kun.cz").exists()
    assert not PartnerUser.objects.filter(account_number=account).exists()
    assert _invitation(token).used_at is None


def test_hq_refuses_the_link_once_the_removal_is_staged_and_withdraws_it_when_applied(
    organization,
):
    _add_user(organization, "jan@kun.cz")
    job_execute(code="1010")
    token = invitation_token("jan@kun.cz")
    account = HierarchyMember.objects.get(customer__email="jan@kun.cz").customer.account_number
    admin = signed_in(organization.admin_email)
    admin.post(f"/partner/organization/users/{account}/remove/")
    job_execute(code="P-0001")  # staged in HQ, not yet applied

    with pytest.raises(NotAllowed) as refused:
        invitation_redeem(token=token)
    assert refused.value.code == "revoked"
    assert _invitation(token).used_at is None

    job_execute(code="sync-channel-requests")
    assert HierarchyMember.objects.get(customer__account_number=account).status == "removed"
    assert _invitation(token).withdrawn_at is not None


def test_removing_a_pending_member_in_hq_withdraws_their_links_at_once(client, organization):
    member = _add_user(organization, "jan@kun.cz")
    token = invitation_token("jan@kun.cz")

    hierarchy_member_remove(
        hierarchy_id=organization.hierarchy_id,
        account_number=member.customer.account_number,
        actor="backoffice",
    )

    assert _invitation(token).withdrawn_at is not None
    assert _set_password(client, token).status_code == 410
    assert not User.objects.filter(username="jan@kun.cz").exists()
