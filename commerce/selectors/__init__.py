"""Reads of Commerce HQ data: prospects, customers, invitations, members, emails here; the jobs'
records and backlog in `jobs`, the home page's figures in `home`."""

import contextlib
import hashlib
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.identity import email_normalize

from ..channel.models import PartnerUserRequest
from ..emails import EmailSpec, RenderedEmail, email_render
from ..models import (
    AuditEntry,
    ChannelRequest,
    Customer,
    CustomerHierarchy,
    DeclineMessage,
    EmailNotification,
    HierarchyMember,
    Invitation,
    Prospect,
)

# The subjects' modules are read through this package, as `selectors.<function>`.
from .home import (  # noqa: F401
    ProspectDay,
    email_failed_count,
    prospect_days,
    prospect_decision_median,
    prospect_decisions_since,
    prospect_decisions_today,
    prospects_waiting_count,
)
from .jobs import (  # noqa: F401
    job_backlog_oldest,
    job_backlog_seconds,
    job_run_list,
    job_runs_found_work,
    job_runs_latest,
)

DB = "commerce"


def prospect_list(*, status: str | None = None, search: str | None = None) -> QuerySet[Prospect]:
    prospects = Prospect.objects.using(DB).all()
    if status:
        prospects = prospects.filter(status=status)
    if search:
        prospects = prospects.filter(
            Q(prospect_number__iexact=search)
            | Q(company_name__icontains=search)
            | Q(email__icontains=search)
            | Q(last_name__icontains=search)
        )
    return prospects


def onboarding_open_for_email(*, email: str) -> bool:
    """An onboarding request from this email is staged or its prospect is still undecided.

    Requests reach HQ with their email in its one form (core.identity); the comparison ignores
    case too, for a prospect's email that HQ staff typed in.
    """
    with contextlib.suppress(ValidationError):  # not an address at all: compared as given
        email = email_normalize(email)
    return (
        ChannelRequest.objects.using(DB)
        .filter(
            email__iexact=email,
            request_type=ChannelRequest.Type.ONBOARDING,
            state=ChannelRequest.State.NEW,
        )
        .exists()
        or Prospect.objects.using(DB)
        .filter(email__iexact=email, status=Prospect.Status.NEW)
        .exists()
    )


def prospect_status_for_request(*, request_id: uuid.UUID | str) -> str | None:
    return (
        Prospect.objects.using(DB)
        .filter(request_id=request_id)
        .values_list("status", flat=True)
        .first()
    )


def customer_list(*, party_type: str | None = None) -> QuerySet[Customer]:
    customers = Customer.objects.using(DB).all()
    if party_type:
        customers = customers.filter(party_type=party_type)
    return customers


def customer_hierarchy_list() -> QuerySet[CustomerHierarchy]:
    """Hierarchies with their organization and members (and each member's customer) loaded."""
    members = HierarchyMember.objects.using(DB).select_related("customer").order_by("id")
    return (
        CustomerHierarchy.objects.using(DB)
        .select_related("organization")
        .prefetch_related(Prefetch("members", queryset=members))
    )


def email_notification_list(
    *,
    recipient: str | None = None,
    notification_type: str | None = None,
    status: str | None = None,
) -> QuerySet[EmailNotification]:
    notifications = EmailNotification.objects.using(DB).all()
    if recipient:
        notifications = notifications.filter(recipient__iexact=recipient)
    if notification_type:
        notifications = notifications.filter(type=notification_type)
    if status:
        notifications = notifications.filter(status=status)
    return notifications


# --- invitations ------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    """Only this hash is stored: a database reader cannot use the links."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationLink:
    """What the set-password page may show about an invitation link."""

    # valid | used | expired | withdrawn (a newer link replaced it) | revoked (member removed)
    state: str
    email: str
    first_name: str
    last_name: str
    account_number: str
    hierarchy_id: str
    company_name: str

    @property
    def usable(self) -> bool:
        return self.state == "valid"


def invitation_member_current(invitation: Invitation) -> bool:
    """The invited person is still a user of the hierarchy, and no removal of them waits in
    HQ's staging table: an admin's removal on the site counts from the moment HQ has it."""
    member = HierarchyMember.objects.using(DB).filter(
        hierarchy=invitation.hierarchy_id,
        customer=invitation.customer_id,
        status__in=[HierarchyMember.Status.PENDING, HierarchyMember.Status.ACTIVE],
    )
    removal = ChannelRequest.objects.using(DB).filter(
        request_type=ChannelRequest.Type.PARTNER_USER,
        state=ChannelRequest.State.NEW,
        payload__action=PartnerUserRequest.Action.REMOVE.value,
        payload__hierarchy_id=invitation.hierarchy.hierarchy_id,
        payload__account_number=invitation.customer.account_number,
    )
    return member.exists() and not removal.exists()


def invitation_state(invitation: Invitation) -> str:
    """valid, or why the link no longer sets a password (see InvitationLink.state)."""
    if not invitation_member_current(invitation):
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.withdrawn_at is not None:
        return "withdrawn"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "valid"


def invitation_lookup(*, token: str) -> InvitationLink | None:
    """The invitation behind a link, or None for an unknown (or tampered) token."""
    invitation = (
        Invitation.objects.using(DB)
        .select_related("customer", "hierarchy")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    if invitation is None:
        return None
    customer = invitation.customer
    return InvitationLink(
        state=invitation_state(invitation),
        email=invitation.email,
        first_name=customer.first_name,
        last_name=customer.last_name,
        account_number=customer.account_number,
        hierarchy_id=invitation.hierarchy.hierarchy_id,
        company_name=invitation.hierarchy.name,
    )


def hierarchy_member_elsewhere(*, email: str, hierarchy_id: str) -> bool:
    """A current member of another hierarchy has this email (`email` in its one form).

    Stored emails may predate the one form, so the comparison ignores case as well.
    """
    return (
        HierarchyMember.objects.using(DB)
        .filter(customer__email__iexact=email)
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exclude(hierarchy__hierarchy_id=hierarchy_id)
        .exists()
    )


def hierarchy_member_current(*, hierarchy_id: str, account_number: str) -> bool:
    """This person is a pending or active user of this hierarchy."""
    return (
        HierarchyMember.objects.using(DB)
        .filter(
            hierarchy__hierarchy_id=hierarchy_id,
            customer__account_number=account_number,
        )
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exists()
    )


# --- hierarchy members and the audit trail ----------------------------------------------------


def hierarchy_member_list(*, hierarchy_id: str) -> QuerySet[HierarchyMember]:
    """A hierarchy's members (removed ones too, with their status), oldest first."""
    if not CustomerHierarchy.objects.using(DB).filter(hierarchy_id=hierarchy_id).exists():
        raise NotFound(_("Customer hierarchy %(id)s does not exist.") % {"id": hierarchy_id})
    return (
        HierarchyMember.objects.using(DB)
        .select_related("customer", "hierarchy")
        .filter(hierarchy__hierarchy_id=hierarchy_id)
        .order_by("id")
    )


def organization_customer_get(*, account_number: str) -> Customer:
    """An organization customer, the one that holds the credit limit (SPEC §8)."""
    customer = (
        customer_list(party_type=Customer.PartyType.ORGANIZATION)
        .filter(account_number=account_number)
        .first()
    )
    if customer is None:
        raise NotFound(
            _("There is no organization customer %(number)s.") % {"number": account_number}
        )
    return customer


def audit_entry_list(*, keys: list[str] | None = None) -> QuerySet[AuditEntry]:
    """Audit rows, newest first; for `keys`, also the rows of memberships a key is part of.

    A membership's key is "<hierarchy id>/<account number>", so a hierarchy's key brings its
    members' rows and a person's account number the rows of their memberships.
    """
    entries = AuditEntry.objects.using(DB).all()
    if keys is None:
        return entries
    matches = Q(pk__in=[])
    for key in keys:
        matches |= (
            Q(object_key=key)
            | Q(object_key__startswith=f"{key}/")
            | Q(object_key__endswith=f"/{key}")
        )
    return entries.filter(matches)


def email_notification_content(notification: EmailNotification) -> RenderedEmail:
    """What the email says: as sent, or, before its first sending, rendered now."""
    if notification.body_text:
        return RenderedEmail(
            subject=notification.subject,
            body_text=notification.body_text,
            body_html=notification.body_html,
        )
    return email_render(
        EmailSpec(
            type=notification.type,
            event_key=notification.event_key,
            recipient=notification.recipient,
            language=notification.language,
            context=notification.context,
        )
    )


# --- for dual-write (SPEC §7): the customers and prospects its maps read ----------------------


def customer_get(*, account_number: str) -> Customer | None:
    return Customer.objects.using(DB).filter(account_number=account_number).first()


def customer_account_numbers(*, account_numbers: list[str]) -> set[str]:
    """Which of these account numbers exist in Commerce."""
    return set(
        Customer.objects.using(DB)
        .filter(account_number__in=account_numbers)
        .values_list("account_number", flat=True)
    )


def prospect_is_new(*, prospect_number: str) -> bool:
    return (
        Prospect.objects.using(DB)
        .filter(prospect_number=prospect_number, status=Prospect.Status.NEW)
        .exists()
    )


# --- decline messages (SPEC §9) ---------------------------------------------------------------


def decline_message_text(*, category: str, language: str) -> str:
    """The customer-facing line of a decline email (SPEC §9), in one query.

    The line of this category and language, else the generic line of the language, else the
    generic English line, else the built-in default (translated into the language).
    """
    generic = DeclineMessage.Category.GENERIC
    wanted = [(category, language), (generic, language), (generic, "en")]
    rows = DeclineMessage.objects.using(DB).filter(
        Q(category=category, language=language) | Q(category=generic, language__in=[language, "en"])
    )
    texts = {
        (row_category, row_language): text
        for row_category, row_language, text in rows.values_list("category", "language", "text")
    }
    for key in wanted:
        if texts.get(key):
            return texts[key]
    with translation.override(language):
        return _(
            "After careful review we are unable to offer a business account at this time. "
            "Thank you for your interest; you are welcome to apply again in the future."
        )
