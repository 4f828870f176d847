"""Building approved partner organizations and their signed-in users for portal tests."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import Client

from commerce.channel.services import partner_invitation_accept
from commerce.jobs import job_execute
from commerce.models import EmailNotification, Prospect
from commerce.selectors import email_notification_content
from commerce.services import prospect_approve
from tests.factories import ProspectFactory

PASSWORD = "Kůň-na-louce-2026"
INVITATION_LINK = re.compile(r"/partner/invitation/([\w-]+)/")


@dataclass(frozen=True)
class Organization:
    prospect: Prospect
    hierarchy_id: str
    admin_account: str
    admin_email: str
    admin_token: str


def invitation_token(email: str) -> str:
    """The token of the newest invitation link emailed to `email`."""
    for notification in (
        EmailNotification.objects.using("commerce").filter(recipient__iexact=email).order_by("-id")
    ):
        match = INVITATION_LINK.search(email_notification_content(notification).body_text)
        if match:
            return match.group(1)
    raise AssertionError(f"no invitation email to {email}")


def run_jobs() -> None:
    """The jobs in the order a change travels: site → HQ → site."""
    for code in ("P-0001", "sync-channel-requests", "1010"):
        job_execute(code=code)


def approved_organization(*, copy: bool = True, **prospect_fields) -> Organization:
    """A prospect approved in HQ (its requester is the admin), copied to the site by 1010."""
    prospect = ProspectFactory(**prospect_fields)
    prospect_approve(prospect_number=prospect.prospect_number, actor="backoffice")
    prospect.refresh_from_db()
    if copy:
        job_execute(code="1010")
    return Organization(
        prospect=prospect,
        hierarchy_id=prospect.customer_hierarchy,
        admin_account=prospect.person_customer,
        admin_email=prospect.email,
        admin_token=invitation_token(prospect.email),
    )


def partner_login(email: str, *, password: str = PASSWORD):
    """The Django user of a partner, setting its password with the newest link if need be."""
    user = get_user_model().objects.filter(username=email.lower()).first()
    return user or partner_invitation_accept(token=invitation_token(email), password=password)


def signed_in(email: str, *, language: str = "en") -> Client:
    """A browser where this partner user is signed in."""
    client = Client(headers={"accept-language": language})
    client.force_login(partner_login(email))
    return client
