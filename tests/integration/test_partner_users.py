"""A partner admin invites, edits and removes a colleague, through the real broker and worker.

Approved organization → the admin sets a password with the emailed link → adds a colleague on
the Organization users page → the worker runs P-0001, the sync job and 1010 (each kicked on
commit) → the colleague's invitation arrives by SMTP and the member is active in HQ and on the
site; an edit travels the same way; a removal locks the colleague out at once.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client

from commerce.channel.models import ChannelHierarchyMember, PartnerUserRequest
from commerce.models import EmailNotification, HierarchyMember, JobRun
from commerce.services import prospect_approve
from tests.factories import ProspectFactory

from .support import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

ADMIN_PASSWORD = "Żółć-Łódź-2026!"
COLLEAGUE_PASSWORD = "Kůň-úpěl-2026!"
COLLEAGUE = {
    "first_name": "Jiří",
    "last_name": "Žluťoučký",
    "email": "jiri.zlutoucky@hurtownia-lodz.pl",
    "role": "user",
    "spending_limit": "2500.50",
    "language": "cs",
}
USERS = "/partner/organization/users/"


def _browser() -> Client:
    return Client(enforce_csrf_checks=True)


def _post(browser: Client, path: str, data: dict | None = None):
    """Submit a form as a browser does: GET for the CSRF cookie, then POST with the token."""
    assert browser.get(path).status_code == 200, path
    return browser.post(
        path, {**(data or {}), "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    )


def _invitation_path(smtp_server, email: str, type_: str) -> str:
    """The invitation link in the mail of `type_` the SMTP server received for `email`."""

    def delivered():
        subjects = set(
            EmailNotification.objects.using("commerce")
            .filter(type=type_, recipient=email)
            .values_list("subject", flat=True)
        )
        # A long non-ASCII subject arrives folded; compare it unfolded.
        received = smtp_server.messages_to(email)
        return [m for m in received if " ".join(m["Subject"].split()) in subjects]

    (message,) = wait_until(delivered, timeout=20)
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/(?:\w\w/)?partner/invitation/[\w-]+/)", body)
    assert link, body
    return link.group(1)


def _hq_member(email: str) -> HierarchyMember | None:
    return (
        HierarchyMember.objects.using("commerce")
        .select_related("customer")
        .filter(customer__email=email)
        .first()
    )


def _copy(email: str) -> ChannelHierarchyMember | None:
    return ChannelHierarchyMember.objects.using("channel").filter(customer__email=email).first()


def test_an_admin_adds_edits_and_removes_a_colleague(celery_worker, smtp_server):
    prospect = ProspectFactory(email="zaneta@hurtownia-lodz.pl", first_name="Żaneta")
    prospect_approve(prospect_number=prospect.prospect_number, actor="backoffice")

    # 1010, kicked by the approval, brings the admin to the site and makes them active.
    wait_until(lambda: (_copy(prospect.email) or None) and _copy(prospect.email).has_access, 20)
    admin = _browser()
    link = _invitation_path(smtp_server, prospect.email, EmailNotification.Type.PROSPECT_APPROVED)
    response = _post(
        admin, link, {"new_password1": ADMIN_PASSWORD, "new_password2": ADMIN_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/partner/account/")

    response = _post(admin, USERS + "add/", COLLEAGUE)
    assert response.status_code == 302, response.content.decode()
    assert "Pending" in admin.get(USERS).content.decode()

    email = COLLEAGUE["email"]
    colleague_link = _invitation_path(
        smtp_server, email, EmailNotification.Type.PARTNER_USER_INVITED
    )
    invited = EmailNotification.objects.using("commerce").get(recipient=email)
    assert invited.language == "cs"

    def active_everywhere():
        member, copy = _hq_member(email), _copy(email)
        return member and copy and member.status == copy.status == "active"

    wait_until(active_everywhere, timeout=20)
    member = _hq_member(email)
    assert (member.customer.first_name, member.customer.last_name) == ("Jiří", "Žluťoučký")
    assert (member.role, member.spending_limit) == ("user", Decimal("2500.50"))
    listed = admin.get(USERS).content.decode()
    assert '<td data-label="Name">Jiří Žluťoučký</td>' in listed and "Pending" not in listed

    colleague = _browser()
    response = _post(
        colleague,
        colleague_link,
        {"new_password1": COLLEAGUE_PASSWORD, "new_password2": COLLEAGUE_PASSWORD},
    )
    assert response["Location"].endswith("/partner/account/")
    assert "2,500.50 EUR" in colleague.get("/partner/account/").content.decode()

    account = member.customer.account_number
    edit = {
        "first_name": "Jiřina",
        "last_name": "Žluťoučká",
        "role": "admin",
        "spending_limit": "99.90",
    }
    assert _post(admin, f"{USERS}{account}/edit/", edit).status_code == 302

    def edit_applied():
        copy = _copy(email)
        return copy and copy.role == "admin" and copy.spending_limit == Decimal("99.90")

    wait_until(edit_applied, timeout=20)
    member = _hq_member(email)
    assert (member.customer.first_name, member.role) == ("Jiřina", "admin")
    assert "Change pending" not in admin.get(USERS).content.decode()

    assert _post(admin, f"{USERS}{account}/remove/").status_code == 302
    # At once, before any job: the colleague's session ends and signing in again fails.
    response = colleague.get("/partner/account/")
    assert response.status_code == 302 and response["Location"].startswith("/partner/sign-in/")
    again = _post(
        _browser(), "/partner/sign-in/", {"username": email, "password": COLLEAGUE_PASSWORD}
    )
    assert again.status_code == 200

    wait_until(lambda: _hq_member(email).status == "removed", timeout=20)
    wait_until(lambda: _copy(email).status == "removed", timeout=20)
    requests = PartnerUserRequest.objects.using("channel").order_by("created_at")

    def all_applied():
        return all(request.status == "applied" for request in requests)

    wait_until(all_applied, timeout=20)
    assert [request.action for request in requests] == ["add", "change", "remove"]
    runs = JobRun.objects.using("commerce").filter(trigger="commit")
    for job in ("P-0001", "Synchronize orders and channel requests", "1010"):
        assert runs.filter(job=job).exists(), job
    assert not runs.exclude(outcome=JobRun.Outcome.SUCCEEDED).exists()
