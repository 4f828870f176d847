"""Reads of the B2B site's data."""

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .hq import InvitationLink, invitation_lookup, prospect_status_for_request
from .models import ChannelHierarchyMember, OnboardingRequest, PartnerUser, PartnerUserRequest

DB = "channel"
USERS_DB = "default"
# How long a request HQ refused stays on the Organization users page.
FAILED_REQUESTS_SHOWN_DAYS = 14

PUBLIC_STATUSES = {
    "received": _("Received"),
    "under_review": _("Under review"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
}


def onboarding_request_public_status(*, request_id: uuid.UUID) -> str | None:
    """received / under_review / approved / rejected, or None for an unknown reference.

    Only the status leaves this function: the reference alone never reveals personal data.
    """
    state = (
        OnboardingRequest.objects.using("channel")
        .filter(request_id=request_id)
        .values_list("status", flat=True)
        .first()
    )
    if state is None:
        return None
    if state == OnboardingRequest.Status.RECEIVED:
        return "received"
    try:
        decision = prospect_status_for_request(request_id=request_id)
    except DatabaseError:  # HQ unreachable: the site still answers
        decision = None
    return decision if decision in ("approved", "rejected") else "under_review"


# --- partner users (from the copies job 1010 keeps, never from HQ) ----------------------------


def partner_membership(*, user_id: int) -> ChannelHierarchyMember | None:
    """The membership a signed-in user acts through, with organization and person loaded.

    None for a user who is not a partner user. Callers check `has_access`: a removed or
    not-yet-active member is returned too, so the site can say why it refuses.
    """
    link = PartnerUser.objects.using(DB).filter(user_id=user_id).first()
    if link is None:
        return None
    return (
        ChannelHierarchyMember.objects.using(DB)
        .select_related("customer", "hierarchy__organization")
        .filter(
            hierarchy__hierarchy_id=link.hierarchy_id,
            customer__account_number=link.account_number,
        )
        .first()
    )


def partner_access_withdrawn(*, username: str, password: str) -> bool:
    """Whether these are the right email and password of a partner user whose access was
    withdrawn; such a sign-in is refused with that reason rather than as a wrong password.

    One password hash whatever the answer, so a wrong password tells nothing by its timing.
    """
    user = (
        get_user_model()
        .objects.using(USERS_DB)
        .filter(username=username, is_active=False)
        .only("pk", "password")
        .first()
    )
    if user is None:
        make_password(password)
        return False
    if not check_password(password, user.password):
        return False
    member = partner_membership(user_id=user.pk)
    return member is not None and member.access_withdrawn


def _current_members():
    """Members HQ has not removed and no admin has removed on the site."""
    return ChannelHierarchyMember.objects.using(DB).filter(
        status__in=ChannelHierarchyMember.CURRENT_STATUSES, access_revoked_at__isnull=True
    )


def organization_member(*, hierarchy_id: str, account_number: str) -> ChannelHierarchyMember | None:
    """A current member of this hierarchy only; another organization's is never found."""
    return (
        _current_members()
        .select_related("customer")
        .filter(hierarchy_id=hierarchy_id, customer_id=account_number)
        .first()
    )


@dataclass(frozen=True)
class OrganizationUser:
    """One line of the Organization users page and API."""

    account_number: str | None
    first_name: str
    last_name: str
    email: str
    role: str
    spending_limit: Decimal | None
    status: str  # pending | active
    change_pending: bool = False
    monthly_spending_limit: Decimal | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def role_label(self) -> str:
        return str(ChannelHierarchyMember.Role(self.role).label)

    @property
    def status_label(self) -> str:
        return str(ChannelHierarchyMember.Status(self.status).label)


def _open_requests(hierarchy_id: str):
    return PartnerUserRequest.objects.using(DB).filter(
        hierarchy_id=hierarchy_id, status__in=PartnerUserRequest.OPEN_STATUSES
    )


def organization_users(*, hierarchy_id: str) -> list[OrganizationUser]:
    """Members as the copy shows them, then users added but not yet set up by HQ (pending).

    A member with an edit HQ has not yet applied is marked `change_pending`; a removed one is
    gone at once, whatever the copy still says.
    """
    changing = set(
        _open_requests(hierarchy_id)
        .filter(action=PartnerUserRequest.Action.CHANGE)
        .values_list("account_number", flat=True)
    )
    members = (
        _current_members()
        .select_related("customer")
        .filter(hierarchy_id=hierarchy_id)
        .order_by("customer__last_name", "customer__first_name", "customer_id")
    )
    users = [
        OrganizationUser(
            account_number=member.customer_id,
            first_name=member.customer.first_name,
            last_name=member.customer.last_name,
            email=member.customer.email,
            role=member.role,
            spending_limit=member.spending_limit,
            monthly_spending_limit=member.monthly_spending_limit,
            status=member.status,
            change_pending=member.customer_id in changing,
        )
        for member in members
    ]
    users += [
        OrganizationUser(
            account_number=None,
            first_name=request.first_name,
            last_name=request.last_name,
            email=request.email,
            role=request.role,
            spending_limit=request.spending_limit,
            monthly_spending_limit=request.monthly_spending_limit,
            status=ChannelHierarchyMember.Status.PENDING,
        )
        for request in _open_requests(hierarchy_id).filter(action=PartnerUserRequest.Action.ADD)
    ]
    return users


def organization_user_requests_failed(*, hierarchy_id: str) -> list[PartnerUserRequest]:
    """Recent requests HQ refused, so the admin learns what did not happen and why."""
    since = timezone.now() - timedelta(days=FAILED_REQUESTS_SHOWN_DAYS)
    return list(
        PartnerUserRequest.objects.using(DB)
        .filter(
            hierarchy_id=hierarchy_id,
            status=PartnerUserRequest.Status.FAILED,
            completed_at__gte=since,
        )
        .order_by("-completed_at")
    )


def organization_admins_remaining(*, hierarchy_id: str, without: str) -> int:
    """Admins the hierarchy keeps if `without` (an account number) stops being one.

    Pending demotions count as done: two admins demoting each other must not both succeed.
    """
    demoting = _open_requests(hierarchy_id).filter(
        action=PartnerUserRequest.Action.CHANGE, role=ChannelHierarchyMember.Role.USER
    )
    return (
        _current_members()
        .filter(
            hierarchy_id=hierarchy_id,
            role=ChannelHierarchyMember.Role.ADMIN,
            status=ChannelHierarchyMember.Status.ACTIVE,
        )
        .exclude(customer_id=without)
        .exclude(customer_id__in=demoting.values("account_number"))
        .count()
    )


def partner_email_in_use(*, email: str) -> set[str]:
    """The hierarchies where a current member, or an add not yet carried out, has this email.

    `email` is in its one form (core.identity); stored emails may predate it, so the comparison
    ignores case as well. Empty when the email is free.
    """
    members = _current_members().filter(customer__email__iexact=email)
    adding = PartnerUserRequest.objects.using(DB).filter(
        email__iexact=email,
        action=PartnerUserRequest.Action.ADD,
        status__in=PartnerUserRequest.OPEN_STATUSES,
    )
    return set(members.values_list("hierarchy_id", flat=True)) | set(
        adding.values_list("hierarchy_id", flat=True)
    )


def partner_removed_on_site(*, hierarchy_id: str, account_number: str) -> bool:
    """An admin removed this person on the site, whether or not HQ has applied it yet."""
    revoked = ChannelHierarchyMember.objects.using(DB).filter(
        hierarchy__hierarchy_id=hierarchy_id,
        customer__account_number=account_number,
        access_revoked_at__isnull=False,
    )
    removing = _open_requests(hierarchy_id).filter(
        action=PartnerUserRequest.Action.REMOVE, account_number=account_number
    )
    return revoked.exists() or removing.exists()


def partner_invitation_link(*, token: str) -> InvitationLink | None:
    """The invitation behind a link as the site sees it (None for an unknown token).

    A person an admin removed on the site is revoked at once, before HQ applies the removal.
    """
    link = invitation_lookup(token=token)
    if link is None or link.state == "revoked":
        return link
    if partner_removed_on_site(hierarchy_id=link.hierarchy_id, account_number=link.account_number):
        return dataclasses.replace(link, state="revoked")
    return link
