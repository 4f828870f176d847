"""A sign-up travels, through the real broker and worker, to an approved partner with mail sent.

Sales integration off (SPEC §3 step 9): HQ approves by hand.
"""

import hashlib
import re
import uuid

import pytest
from django.conf import settings
from django.test import Client

from commerce.channel.models import OnboardingRequest
from commerce.models import (
    ChannelRequest,
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Invitation,
    JobRun,
    Prospect,
)
from commerce.services import prospect_approve

from .support import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

SIGN_UP = {
    "company_name": "Hurtownia Żółć Łódź Sp. z o.o.",
    "first_name": "Żaneta Łucja",
    "last_name": "Żółć",
    "email": "zaneta.zolc@hurtownia-lodz.pl",
    "phone": "+48 42 123 45 67",
    "job_title": "Kierownik zakupów",
    "street": "ul. Piotrkowska 104",
    "city": "Łódź",
    "state": "łódzkie",
    "postal_code": "90-926",
    "country": "PL",
    "tax_id": "PL7251234567",
    "website": "https://hurtownia-lodz.pl",
    "comments": "Interesują nas artykuły biurowe.",
}
SYNC_JOB = "Synchronize orders and channel requests"


def _sign_up(language: str) -> uuid.UUID:
    """Fill in the sign-up page as a browser does: GET for the CSRF cookie, then POST."""
    # The site's language is chosen by URL prefix; English has none.
    address = "/partner/sign-up/" if language == "en" else f"/{language}/partner/sign-up/"
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(address)
    assert page.status_code == 200
    response = browser.post(
        address,
        {
            **SIGN_UP,
            "accept_terms": "on",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.content.decode()
    match = re.search(r"/partner/sign-up/done/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return uuid.UUID(match.group(1))


def _delivered(smtp_server, *, email: str, type: str) -> list:
    """Mail the SMTP server received for the notification of `type` queued for `email`.

    Only once the notification is marked sent: the mailer commits its row (with the body it
    rendered) right after the server accepted the mail, so the server may have it first.
    """
    subjects = set(
        EmailNotification.objects.using("commerce")
        .filter(type=type, recipient=email, status=EmailNotification.Status.SENT)
        .values_list("subject", flat=True)
    )
    return [m for m in smtp_server.messages_to(email) if m["Subject"] in subjects]


def _part(message, subtype: str) -> str:
    # SMTP carries lines ending in CRLF; the stored text has plain newlines.
    return message.get_body(preferencelist=(subtype,)).get_content().replace("\r\n", "\n")


def _text(message) -> str:
    return _part(message, "plain")


def _html(message) -> str:
    return _part(message, "html")


def test_sign_up_reaches_hq_and_approval_invites_the_partner(celery_worker, smtp_server):
    email = SIGN_UP["email"]
    request_id = _sign_up("pl")

    request = OnboardingRequest.objects.using("channel").get(request_id=request_id)
    assert request.company_name == SIGN_UP["company_name"]
    assert request.language == "pl"

    # Kicked on commit: the worker runs P-0001, which kicks the sync job, which makes a prospect.
    def prospect_created():
        return Prospect.objects.using("commerce").filter(request_id=request_id).first()

    prospect = wait_until(prospect_created, timeout=20)
    assert prospect.status == Prospect.Status.NEW
    assert (prospect.company_name, prospect.first_name, prospect.last_name, prospect.city) == (
        SIGN_UP["company_name"],
        SIGN_UP["first_name"],
        SIGN_UP["last_name"],
        "Łódź",
    )
    assert prospect.phone == "+48421234567"
    request.refresh_from_db()
    assert request.status == OnboardingRequest.Status.UPLOADED
    staged = ChannelRequest.objects.using("commerce").get(request_id=request_id)
    assert staged.state == ChannelRequest.State.PROCESSED
    assert staged.payload["company_name"] == SIGN_UP["company_name"]

    def receipt_delivered():
        return _delivered(
            smtp_server, email=email, type=EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED
        )

    (receipt,) = wait_until(receipt_delivered, timeout=20)
    receipt_row = EmailNotification.objects.using("commerce").get(
        type=EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED, recipient=email
    )
    assert receipt["To"] == email
    assert _text(receipt).rstrip("\n") == receipt_row.body_text.rstrip("\n")

    prospect_approve(prospect_number=prospect.prospect_number, actor="backoffice")

    def approval_delivered():
        return _delivered(smtp_server, email=email, type=EmailNotification.Type.PROSPECT_APPROVED)

    (approved_mail,) = wait_until(approval_delivered, timeout=20)

    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.APPROVED
    assert prospect.decided_by == "backoffice"
    organization = Customer.objects.using("commerce").get(
        account_number=prospect.organization_customer
    )
    person = Customer.objects.using("commerce").get(account_number=prospect.person_customer)
    assert (organization.party_type, organization.name) == (
        Customer.PartyType.ORGANIZATION,
        SIGN_UP["company_name"],
    )
    assert (person.party_type, person.first_name, person.last_name, person.email) == (
        Customer.PartyType.PERSON,
        SIGN_UP["first_name"],
        SIGN_UP["last_name"],
        email,
    )
    hierarchy = CustomerHierarchy.objects.using("commerce").get(
        hierarchy_id=prospect.customer_hierarchy
    )
    assert hierarchy.organization_id == organization.pk
    assert hierarchy.name == SIGN_UP["company_name"]
    assert hierarchy.purpose == "B2B organization"
    (member,) = HierarchyMember.objects.using("commerce").filter(hierarchy=hierarchy)
    assert (member.customer_id, member.role) == (person.pk, HierarchyMember.Role.ADMIN)
    invitation = Invitation.objects.using("commerce").get(customer=person, hierarchy=hierarchy)
    assert invitation.email == email and invitation.used_at is None

    # The mail as received: addressed to the requester, names intact, a working sign-in link.
    approved_row = EmailNotification.objects.using("commerce").get(
        type=EmailNotification.Type.PROSPECT_APPROVED, recipient=email
    )
    assert approved_mail["To"] == email
    assert approved_mail["Subject"] == approved_row.subject
    body = _text(approved_mail)
    assert body.rstrip("\n") == approved_row.body_text.rstrip("\n")
    assert SIGN_UP["first_name"].encode() in body.encode()
    assert SIGN_UP["first_name"] in _html(approved_mail)
    link = re.search(
        re.escape(settings.SITE_URL.rstrip("/")) + r"/pl/partner/invitation/([\w-]+)/", body
    )
    assert link, body
    assert hashlib.sha256(link.group(1).encode()).hexdigest() == invitation.token_hash

    def both_emails_sent():
        rows = EmailNotification.objects.using("commerce").filter(recipient=email)
        return len(rows) == 2 and all(row.status == EmailNotification.Status.SENT for row in rows)

    wait_until(both_emails_sent, timeout=10)
    assert {m["Subject"] for m in smtp_server.messages_to(email)} == {
        receipt_row.subject,
        approved_row.subject,
    }

    runs = JobRun.objects.using("commerce").filter(trigger="commit")
    for job in ("P-0001", SYNC_JOB):
        job_runs = runs.filter(job=job)
        assert job_runs.exists(), f"no run of {job} was recorded"
        assert all(run.outcome == JobRun.Outcome.SUCCEEDED for run in job_runs)
    assert sum(runs.filter(job="P-0001").values_list("rows", flat=True)) == 1
    assert sum(runs.filter(job=SYNC_JOB).values_list("rows", flat=True)) == 1
