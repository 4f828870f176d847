"""Commerce HQ actions: each one transaction, with its log rows and on-commit side effects."""

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import NotAllowed, NotFound, ServiceError
from core.identity import email_normalize
from core.kicks import task_kick_on_commit
from core.sequences import number_sequence_take as sequence_take
from core.upserts import locked_or_created
from core.validators import validate_multiline, validate_single_line

from .emails import EmailSpec, email_subject
from .models import (
    AuditEntry,
    Customer,
    CustomerHierarchy,
    DeclineMessage,
    EmailNotification,
    HierarchyMember,
    Invitation,
    NumberSequence,
    Prospect,
    TransitionLog,
)
from .selectors import (
    decline_message_text,
    email_notification_content,
    hierarchy_member_elsewhere,
    invitation_state,
    invitation_token_hash,
)

DB = "commerce"
# One organization per person (SPEC §11). The same words in HQ and on the site, and they do not
# say whose the address is: a partner admin learns nothing about other organizations or staff.
ONE_ORGANIZATION = gettext_lazy(
    "This person cannot be added: a person can be a user of one organization only, and this "
    "email address is already in use. Ask them to contact us."
)


# --- number sequences -------------------------------------------------------------------------


def number_sequence_take(*, code: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers of this system's sequence `code`."""
    return sequence_take(model=NumberSequence, using=DB, code=code, count=count)


# --- email notifications ----------------------------------------------------------------------


def email_notifications_queue(*, specs: list[EmailSpec]) -> None:
    """Queue emails inside the caller's commerce transaction; one per event, however often."""
    if not specs:
        return
    now = timezone.now()
    EmailNotification.objects.using(DB).bulk_create(
        [
            EmailNotification(
                type=spec.type,
                event_key=spec.event_key,
                recipient=spec.recipient,
                language=spec.language,
                subject=email_subject(spec),
                context=spec.context,
                next_attempt_at=now,
            )
            for spec in specs
        ],
        ignore_conflicts=True,
    )
    from .tasks import EMAIL_TASK_PRIORITY, email_notifications_send

    task_kick_on_commit(email_notifications_send, using=DB, priority=EMAIL_TASK_PRIORITY)


@dataclass(frozen=True)
class EmailSendRun:
    sent: int
    waiting: int  # still queued: due ones left by the time budget, and ones backing off
    more_due: bool  # the time budget ran out with emails due


def _email_message(notification: EmailNotification, connection):
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"X-Notification-Id": str(notification.notification_id)},
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    return message


def _email_send(notification: EmailNotification, connection) -> None:
    if not notification.body_text:
        # Rendered once: a retry sends what the first attempt sent.
        rendered = email_notification_content(notification)
        notification.body_text, notification.body_html = rendered.body_text, rendered.body_html
    notification.attempts += 1
    try:
        connection.open()  # one session for the run; reopened after a failure closed it
        _email_message(notification, connection).send()
    except Exception as exc:  # any transport failure is retried, never lost
        connection.close()
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            notification.status = EmailNotification.Status.FAILED
        else:
            backoff = timedelta(seconds=10 * 2 ** (notification.attempts - 1))
            notification.next_attempt_at = timezone.now() + backoff
    else:
        notification.status = EmailNotification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
    notification.save(
        update_fields=[
            "attempts",
            "status",
            "sent_at",
            "last_error",
            "next_attempt_at",
            "body_text",
            "body_html",
        ]
    )


# One mailer run at a time, marked in the cache; the mark is renewed with every email, so a
# killed run's mark is gone 20 s after its last email.
_MAILER_RUNNING_KEY = "commerce:mailer-running"
_MAILER_RUNNING_SECONDS = 20


def _emails_waiting() -> int:
    queued = EmailNotification.objects.using(DB).filter(status=EmailNotification.Status.QUEUED)
    return queued.count()


def email_notifications_send_due(*, time_budget: float | None = None) -> EmailSendRun:
    """Send queued emails that are due, for at most `time_budget` seconds.

    Each email is locked (SKIP LOCKED), sent and marked sent in a transaction of its own: two
    workers never send the same email, and a worker killed half way through the queue has
    committed every email the mail server accepted before the one it was handing over. Only
    that one can go out again (SMTP's "accepted" and the database's commit cannot be one
    step), and since only one run sends at a time, it is at most one email per kill. A run
    that finds another under way sends nothing and reports what waits (its task comes back
    later, in case the other run died). The run keeps one SMTP session open. The budget lets
    the worker turn to other work between runs.
    """
    from django.core.mail import get_connection

    # Only a definite "already there" means another run; a cache outage (None) sends anyway.
    if cache.add(_MAILER_RUNNING_KEY, 1, timeout=_MAILER_RUNNING_SECONDS) is False:
        return EmailSendRun(sent=0, waiting=_emails_waiting(), more_due=False)
    deadline = None if time_budget is None else time.monotonic() + time_budget
    sent = 0
    more_due = False
    connection = get_connection()
    try:
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                more_due = True
                break
            with transaction.atomic(using=DB):
                notification = (
                    EmailNotification.objects.using(DB)
                    .select_for_update(skip_locked=True)
                    .filter(
                        status=EmailNotification.Status.QUEUED,
                        next_attempt_at__lte=timezone.now(),
                    )
                    .order_by("next_attempt_at", "id")
                    .first()
                )
                if notification is None:
                    break
                cache.touch(_MAILER_RUNNING_KEY, _MAILER_RUNNING_SECONDS)
                _email_send(notification, connection)
                sent += notification.status == EmailNotification.Status.SENT
    finally:
        connection.close()
        cache.delete(_MAILER_RUNNING_KEY)
    waiting = _emails_waiting()
    return EmailSendRun(sent=sent, waiting=waiting, more_due=more_due and waiting > 0)


def email_notification_retry(*, notification_id: int) -> EmailNotification:
    """Put a failed email back in the queue (HQ action)."""
    with transaction.atomic(using=DB):
        notification = (
            EmailNotification.objects.using(DB).select_for_update().get(pk=notification_id)
        )
        if notification.status != EmailNotification.Status.FAILED:
            raise NotAllowed(_("Only a failed email can be sent again."))
        notification.status = EmailNotification.Status.QUEUED
        notification.attempts = 0
        notification.next_attempt_at = timezone.now()
        notification.save(update_fields=["status", "attempts", "next_attempt_at"])
        from .tasks import EMAIL_TASK_PRIORITY, email_notifications_send

        task_kick_on_commit(email_notifications_send, using=DB, priority=EMAIL_TASK_PRIORITY)
    return notification


# --- prospects --------------------------------------------------------------------------------


def prospects_create(*, rows: list[dict]) -> list[Prospect]:
    """Create prospects from validated party values (each row carries its `request_id`)."""
    numbers = number_sequence_take(code="prospect", count=len(rows)) if rows else []
    prospects = [
        Prospect(prospect_number=number, **row) for number, row in zip(numbers, rows, strict=True)
    ]
    for prospect in prospects:
        prospect.full_clean(exclude=["status"], validate_unique=False, validate_constraints=False)
    # The bulk create announces itself to dual-write (core.outboxed.records_written).
    return Prospect.objects.using(DB).bulk_create(prospects)


def _decision_allowed(*, decided_in_sales: bool) -> None:
    if settings.SALES_INTEGRATION_ENABLED and not decided_in_sales:
        raise NotAllowed(
            _(
                "The Sales integration is on, so this prospect is decided in Sales: "
                "qualify and close its lead there. HQ cannot approve or reject it by hand."
            ),
            code="decided_in_sales",
        )


def _prospect_for_decision(prospect_number: str) -> Prospect:
    try:
        prospect = (
            Prospect.objects.using(DB).select_for_update().get(prospect_number=prospect_number)
        )
    except Prospect.DoesNotExist as exc:
        raise NotFound(
            _("Prospect %(number)s does not exist.") % {"number": prospect_number}
        ) from exc
    if prospect.status != Prospect.Status.NEW:
        raise NotAllowed(
            _("Prospect %(number)s is already %(status)s; only a new prospect can be decided.")
            % {"number": prospect_number, "status": prospect.get_status_display().lower()},
            code="already_decided",
        )
    return prospect


def _customer_for_prospect(prospect: Prospect, party_type: str) -> Customer | None:
    """A customer that dual-write already created for this prospect is reused (SPEC §8)."""
    return (
        Customer.objects.using(DB)
        .filter(prospect_number=prospect.prospect_number, party_type=party_type)
        .order_by("id")
        .first()
    )


def _address(prospect: Prospect) -> dict:
    return {
        "street": prospect.street,
        "city": prospect.city,
        "state": prospect.state,
        "postal_code": prospect.postal_code,
        "country": prospect.country,
    }


def _customers_for_approval(prospect: Prospect) -> tuple[Customer, Customer]:
    organization = _customer_for_prospect(prospect, Customer.PartyType.ORGANIZATION)
    person = _customer_for_prospect(prospect, Customer.PartyType.PERSON)
    missing = [organization, person].count(None)
    numbers = iter(number_sequence_take(code="customer", count=missing) if missing else [])
    if organization is None:
        organization = Customer.objects.using(DB).create(
            account_number=next(numbers),
            party_type=Customer.PartyType.ORGANIZATION,
            name=prospect.company_name,
            email=prospect.email,
            phone=prospect.phone,
            tax_id=prospect.tax_id,
            website=prospect.website,
            language=prospect.language,
            prospect_number=prospect.prospect_number,
            **_address(prospect),
        )
    if person is None:
        person = Customer.objects.using(DB).create(
            account_number=next(numbers),
            party_type=Customer.PartyType.PERSON,
            name=prospect.full_name,
            first_name=prospect.first_name,
            last_name=prospect.last_name,
            email=prospect.email,
            phone=prospect.phone,
            job_title=prospect.job_title,
            language=prospect.language,
            prospect_number=prospect.prospect_number,
            **_address(prospect),
        )
    return organization, person


def _invitations_withdraw(*, customer: Customer, hierarchy: CustomerHierarchy) -> None:
    """Links of this person not yet used stop working (a newer one, or the member is gone)."""
    Invitation.objects.using(DB).filter(
        customer=customer, hierarchy=hierarchy, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


def invitation_create(*, customer: Customer, hierarchy: CustomerHierarchy) -> str:
    """Create a single-use, expiring invitation and return its raw token (stored hashed).

    The person's earlier links are withdrawn: only the newest email sets a password.
    """
    _invitations_withdraw(customer=customer, hierarchy=hierarchy)
    token = secrets.token_urlsafe(32)
    Invitation.objects.using(DB).create(
        token_hash=invitation_token_hash(token),
        customer=customer,
        hierarchy=hierarchy,
        email=customer.email,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    return token


def invitation_url(token: str, *, language: str) -> str:
    """The link opens the site in the language of the email it is sent in."""
    with translation.override(language):
        path = reverse("channel:invitation", kwargs={"token": token})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _invitation_locked(token: str) -> tuple[Invitation, str]:
    """The invitation behind a link and its state, while its member is still in the hierarchy.

    The hierarchy is locked first, as member changes lock it: a removal and a redeem of the
    same person never interleave.
    """
    hierarchy = (
        Invitation.objects.using(DB)
        .filter(token_hash=invitation_token_hash(token))
        .values_list("hierarchy_id", flat=True)
        .first()
    )
    if hierarchy is None:
        raise NotFound(_("This link is not valid."), code="invalid_link")
    CustomerHierarchy.objects.using(DB).select_for_update().filter(pk=hierarchy).exists()
    invitation = (
        Invitation.objects.using(DB)
        .select_for_update(of=("self",))
        .select_related("customer", "hierarchy")
        .get(token_hash=invitation_token_hash(token))
    )
    state = invitation_state(invitation)
    if state == "revoked":
        raise NotAllowed(
            _("This invitation was withdrawn: you are no longer a user of %(company)s.")
            % {"company": invitation.hierarchy.name},
            code="revoked",
        )
    return invitation, state


def invitation_redeem(*, token: str) -> Invitation:
    """Use an invitation link: once only, before it expires, and only the newest (SPEC §11)."""
    with transaction.atomic(using=DB):
        invitation, state = _invitation_locked(token)
        refusals = {
            "used": _("This link has already been used."),
            "withdrawn": _("This link was replaced by a newer one. Please use the newest email."),
            "expired": _("This link has expired."),
        }
        if state in refusals:
            raise NotAllowed(refusals[state], code=state)
        invitation.used_at = timezone.now()
        invitation.save(using=DB, update_fields=["used_at"])
    return invitation


def invitation_renew(*, token: str) -> Invitation:
    """Email a fresh invitation to the person an expired or used link was sent to.

    It goes to the address HQ has for that person, never to one given on the page.
    """
    with transaction.atomic(using=DB):
        invitation, __ = _invitation_locked(token)
        person, hierarchy = invitation.customer, invitation.hierarchy
        new_token = invitation_create(customer=person, hierarchy=hierarchy)
        email_notifications_queue(
            specs=[
                EmailSpec(
                    type=EmailNotification.Type.PARTNER_USER_INVITED,
                    event_key=f"invitation_renewed:{invitation_token_hash(new_token)}",
                    recipient=person.email,
                    language=person.language,
                    context={
                        "first_name": person.first_name,
                        "last_name": person.last_name,
                        "company_name": hierarchy.name,
                        "sign_in_url": invitation_url(new_token, language=person.language),
                        "invitation_days": settings.INVITATION_TTL_DAYS,
                    },
                )
            ]
        )
    return Invitation.objects.using(DB).get(token_hash=invitation_token_hash(new_token))


def _customer_named(account_number: str, party_type: str) -> Customer:
    customer = (
        Customer.objects.using(DB)
        .filter(account_number=account_number, party_type=party_type)
        .first()
    )
    if customer is None:
        raise NotFound(
            _("There is no %(type)s customer %(number)s in Commerce.")
            % {"type": party_type, "number": account_number},
            code="customer_missing",
        )
    return customer


def _b2b_hierarchy_of(organization: Customer) -> CustomerHierarchy | None:
    return (
        CustomerHierarchy.objects.using(DB)
        .select_for_update()
        .filter(organization=organization, purpose="B2B organization")
        .order_by("id")
        .first()
    )


def _hierarchy_admin_emails(hierarchy: CustomerHierarchy, person: Customer) -> list[EmailSpec]:
    """Tell an organization's admins that a new person joined their B2B hierarchy (§8)."""
    admins = (
        HierarchyMember.objects.using(DB)
        .select_related("customer")
        .filter(hierarchy=hierarchy, role=HierarchyMember.Role.ADMIN)
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exclude(customer=person)
    )
    return [
        EmailSpec(
            type=EmailNotification.Type.PARTNER_USER_JOINED,
            event_key=f"partner_user_joined:{hierarchy.hierarchy_id}/{person.account_number}"
            f":{admin.customer.account_number}",
            recipient=admin.customer.email,
            language=admin.customer.language,
            context={
                "first_name": admin.customer.first_name,
                "last_name": admin.customer.last_name,
                "company_name": hierarchy.name,
                "new_user_name": person.name,
                "new_user_email": person.email,
            },
        )
        for admin in admins
        if admin.customer.email
    ]


def _person_elsewhere(person: Customer, hierarchy: CustomerHierarchy) -> bool:
    """The person, or another person customer with their email, is a current user of another
    hierarchy: approving never moves anyone (one organization per person, SPEC §11)."""
    elsewhere = (
        HierarchyMember.objects.using(DB)
        .filter(customer=person)
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exclude(hierarchy=hierarchy)
    )
    if elsewhere.exists():
        return True
    try:
        email = email_normalize(person.email)
    except ValidationError:  # an address from before the one form: compared as stored
        email = person.email
    return bool(email) and hierarchy_member_elsewhere(
        email=email, hierarchy_id=hierarchy.hierarchy_id
    )


def _hierarchy_for_approval(
    prospect: Prospect, organization: Customer, person: Customer
) -> tuple[CustomerHierarchy, list[EmailSpec] | None]:
    """The organization's B2B hierarchy with the person in it: a new one with the person as
    admin, or the existing one, which the person joins as a user (its admins are told).

    A person who is a user of another organization is not added: the emails are then None.
    """
    hierarchy = _b2b_hierarchy_of(organization)
    created = hierarchy is None
    if hierarchy is None:
        (hierarchy_id,) = number_sequence_take(code="hierarchy")
        hierarchy = CustomerHierarchy.objects.using(DB).create(
            hierarchy_id=hierarchy_id,
            name=organization.name,
            purpose="B2B organization",
            organization=organization,
            prospect_number=prospect.prospect_number,
        )
    if _person_elsewhere(person, hierarchy):
        return hierarchy, None
    if created:
        HierarchyMember.objects.using(DB).create(
            hierarchy=hierarchy, customer=person, role=HierarchyMember.Role.ADMIN
        )
        return hierarchy, []
    member = HierarchyMember.objects.using(DB).filter(hierarchy=hierarchy, customer=person).first()
    if member is None:
        HierarchyMember.objects.using(DB).create(
            hierarchy=hierarchy, customer=person, role=HierarchyMember.Role.USER
        )
    elif member.status == HierarchyMember.Status.REMOVED:
        raise NotAllowed(
            _("%(name)s was removed from %(company)s; add them again in HQ if they should return.")
            % {"name": person.name, "company": hierarchy.name},
            code="member_removed",
        )
    return hierarchy, _hierarchy_admin_emails(hierarchy, person)


def _approval_email(
    prospect: Prospect, org: Customer, requester: Customer, hierarchy: CustomerHierarchy
) -> EmailSpec:
    """The approval, with the requester's invitation link in their language."""
    token = invitation_create(customer=requester, hierarchy=hierarchy)
    language = requester.language or prospect.language
    return EmailSpec(
        type=EmailNotification.Type.PROSPECT_APPROVED,
        event_key=f"prospect_approved:{prospect.prospect_number}",
        recipient=requester.email,
        language=language,
        context={
            "first_name": requester.first_name,
            "last_name": requester.last_name,
            "company_name": org.name,
            "email": requester.email,
            "sign_in_url": invitation_url(token, language=language),
            "invitation_days": settings.INVITATION_TTL_DAYS,
        },
    )


def prospect_approve(
    *,
    prospect_number: str,
    actor: str,
    decided_in_sales: bool = False,
    organization: str = "",
    person: str = "",
    sales_lead: str = "",
    sales_opportunity: str = "",
) -> Prospect:
    """Approve a new prospect and build what SPEC §8 lists, all in one transaction.

    With `organization` and `person` (account numbers: Sales' account and contact, SPEC §8)
    exactly those customers are used, an existing organization included; otherwise the
    customers are made from the prospect. The approved email, the invitation and the admin
    are the person customer at its current email address.
    """
    _decision_allowed(decided_in_sales=decided_in_sales)
    with transaction.atomic(using=DB):
        prospect = _prospect_for_decision(prospect_number)
        if organization and person:
            org = _customer_named(organization, Customer.PartyType.ORGANIZATION)
            requester = _customer_named(person, Customer.PartyType.PERSON)
        else:
            org, requester = _customers_for_approval(prospect)
        hierarchy, admin_emails = _hierarchy_for_approval(prospect, org, requester)
        _channel_copy_on_commit()
        note = ""
        if admin_emails is None:
            note = _(
                "Approved without a user: %(email)s is already a user of another organization, "
                "and a person can be a user of one organization only. Nobody was invited; add "
                "an admin to %(company)s in HQ."
            ) % {"email": requester.email, "company": hierarchy.name}
            _audit(
                actor=actor,
                record=prospect,
                object_key=prospect.prospect_number,
                changes={"status_reason": (prospect.status_reason, note)},
            )
        prospect.approve(by=actor, reason=note)
        prospect.status_reason = note
        prospect.decided_at = timezone.now()
        prospect.organization_customer = org.account_number
        prospect.person_customer = requester.account_number
        prospect.customer_hierarchy = hierarchy.hierarchy_id
        prospect.sales_lead, prospect.sales_opportunity = sales_lead, sales_opportunity
        prospect.sync_error = ""
        prospect.save()
        if admin_emails is not None:
            email_notifications_queue(
                specs=[_approval_email(prospect, org, requester, hierarchy), *admin_emails]
            )
    return prospect


def _decision_count(prospect: Prospect) -> int:
    """How many times the prospect was rejected before: a reopened one's next email is new."""
    return (
        TransitionLog.objects.using(DB)
        .filter(
            model=Prospect._meta.label_lower,
            object_key=prospect.prospect_number,
            transition="reject",
        )
        .count()
    )


def prospect_reject(
    *,
    prospect_number: str,
    reason: str,
    actor: str,
    category: str = "",
    decided_in_sales: bool = False,
    sales_lead: str = "",
    sales_opportunity: str = "",
) -> Prospect:
    """Reject a new prospect. `reason` is internal to HQ; the decline email carries the
    customer-facing line of the reason's `category` (SPEC §9)."""
    _decision_allowed(decided_in_sales=decided_in_sales)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give a reason for the rejection."), code="reason_required")
    validate_multiline(reason)
    with transaction.atomic(using=DB):
        prospect = _prospect_for_decision(prospect_number)
        earlier = _decision_count(prospect)
        prospect.reject(
            by=actor, reason=reason, category=category or ("generic" if decided_in_sales else "hq")
        )
        prospect.decided_at = timezone.now()
        prospect.sales_lead, prospect.sales_opportunity = sales_lead, sales_opportunity
        prospect.sync_error = ""
        prospect.save()
        suffix = f":{earlier + 1}" if earlier else ""
        email_notifications_queue(
            specs=[
                EmailSpec(
                    type=EmailNotification.Type.PROSPECT_REJECTED,
                    event_key=f"prospect_rejected:{prospect.prospect_number}{suffix}",
                    recipient=prospect.email,
                    language=prospect.language,
                    context={
                        "first_name": prospect.first_name,
                        "last_name": prospect.last_name,
                        "company_name": prospect.company_name,
                        "reason_message": decline_message_text(
                            category=prospect.reason_category or "generic",
                            language=prospect.language,
                        ),
                    },
                )
            ]
        )
    return prospect


def prospect_reopen(*, prospect_number: str, actor: str, sales_lead: str = "") -> Prospect:
    """Sales reactivated the lead whose disqualification rejected this prospect: it is new
    again (logged, no email), so a later win approves it (SPEC §4)."""
    with transaction.atomic(using=DB):
        try:
            prospect = (
                Prospect.objects.using(DB).select_for_update().get(prospect_number=prospect_number)
            )
        except Prospect.DoesNotExist as exc:
            raise NotFound(
                _("Prospect %(number)s does not exist.") % {"number": prospect_number}
            ) from exc
        if prospect.status == Prospect.Status.NEW:
            return prospect  # its rejection never arrived: nothing to reopen
        if prospect.status != Prospect.Status.REJECTED:
            raise NotAllowed(
                _(
                    "Prospect %(number)s is already %(status)s; a reactivated lead can reopen "
                    "only a rejected prospect."
                )
                % {"number": prospect_number, "status": prospect.get_status_display().lower()},
                code="already_decided",
            )
        prospect.reopen(by=actor, reason=_("Lead %(lead)s reactivated") % {"lead": sales_lead})
        prospect.sync_error = ""
        prospect.save()
    return prospect


def prospect_decision_apply(
    *,
    prospect_number: str,
    decision: str,
    actor: str,
    reason: str = "",
    category: str = "",
    organization: dict | None = None,
    person: dict | None = None,
    sales_lead: str = "",
    sales_opportunity: str = "",
) -> Prospect:
    """A decision made in Sales, with the customers it depends on, in one transaction (§7).

    `organization` and `person` are `{"account_number", "party_type", "values"}` of the
    account and contact; `decision` is won, lost, disqualified or open (reactivated).
    """
    links = {"sales_lead": sales_lead, "sales_opportunity": sales_opportunity}
    with transaction.atomic(using=DB):
        customers = [
            customer_upsert(**customer) if customer else None for customer in (organization, person)
        ]
        if decision == "won":
            org, requester = customers
            if org is None or requester is None:
                raise NotAllowed(
                    _(
                        "The won opportunity of prospect %(number)s has no account or no "
                        "contact, so Commerce cannot build the partner's customers."
                    )
                    % {"number": prospect_number},
                    code="customers_missing",
                )
            return prospect_approve(
                prospect_number=prospect_number,
                actor=actor,
                decided_in_sales=True,
                organization=org.account_number,
                person=requester.account_number,
                **links,
            )
        if decision in ("lost", "disqualified"):
            return prospect_reject(
                prospect_number=prospect_number,
                reason=reason,
                actor=actor,
                category=category,
                decided_in_sales=True,
                **links,
            )
        if decision == "open":
            return prospect_reopen(
                prospect_number=prospect_number, actor=actor, sales_lead=sales_lead
            )
        raise ServiceError(f"Unknown decision {decision!r}", code="unknown_decision")


def prospect_sync_error_set(*, prospect_number: str, error: str) -> None:
    """Show on the prospect that a Sales decision could not be applied (SPEC §7)."""
    Prospect.objects.using(DB).filter(prospect_number=prospect_number).update(
        sync_error=error[:4000]
    )


# --- customers --------------------------------------------------------------------------------

CUSTOMER_SYNC_FIELDS = (
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "tax_id",
    "website",
    "language",
    "prospect_number",
)


def customer_upsert(*, account_number: str, party_type: str, values: dict) -> Customer:
    """Create or update a customer by account number (dual-write's accounts and contacts)."""
    unknown = set(values) - set(CUSTOMER_SYNC_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown customer fields: {', '.join(sorted(unknown))}")

    def values_set(customer: Customer) -> Customer:
        for field, value in values.items():
            setattr(customer, field, value)
        if customer.party_type == Customer.PartyType.PERSON and {"first_name", "last_name"} & set(
            values
        ):
            customer.name = f"{customer.first_name} {customer.last_name}".strip()
        customer.full_clean(validate_unique=False)
        customer.save(using=DB)
        return customer

    with transaction.atomic(using=DB):
        customer, created = locked_or_created(
            Customer.objects.using(DB).filter(account_number=account_number),
            lambda: values_set(Customer(account_number=account_number, party_type=party_type)),
            using=DB,
        )
        if created:
            return customer
        if customer.party_type != party_type:
            raise NotAllowed(
                _("Customer %(number)s is an %(type)s, not a %(wanted)s.")
                % {"number": account_number, "type": customer.party_type, "wanted": party_type}
            )
        values_set(customer)
    return customer


# --- audit ------------------------------------------------------------------------------------


def _audit_text(value) -> str:
    return "" if value is None else str(value)


def _audit(*, actor: str, record: Model, object_key: str, changes: dict[str, tuple]) -> None:
    """Write one audit row per changed field (old → new, as text) in the caller's transaction."""
    AuditEntry.objects.using(DB).bulk_create(
        [
            AuditEntry(
                actor=actor,
                model=record._meta.label_lower,
                object_key=object_key,
                field=field,
                old_value=_audit_text(old),
                new_value=_audit_text(new),
            )
            for field, (old, new) in changes.items()
            if old != new
        ]
    )


# --- hierarchy members and credit limits ------------------------------------------------------


def _channel_copy_on_commit() -> None:
    """Job 1010 carries a member or credit change to the B2B site soon after the commit."""
    from .tasks import job_run

    task_kick_on_commit(job_run, "1010", "commit", using=DB)


# Money fields have 14 digits, 2 of them after the point.
_MONEY_CEILING = Decimal(10) ** 12
_CENT = Decimal("0.01")


def _amount(value, *, message: str, code: str) -> Decimal:
    """A non-negative amount with at most 12 digits before the point and 2 after it."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(message, code=code) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= _MONEY_CEILING
        or amount != amount.quantize(_CENT)
    ):
        raise ServiceError(message, code=code)
    return amount.quantize(_CENT)


def _spending_limit(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return _amount(
        value,
        message=_(
            "The spending limit must be an amount from 0 with at most 12 digits before "
            "the decimal point and 2 after it, or empty for no limit."
        ),
        code="invalid_spending_limit",
    )


def _member_role(value) -> str:
    if value not in HierarchyMember.Role.values:
        raise ServiceError(_("The role must be admin or user."), code="invalid_role")
    return value


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _field_label(model, field: str) -> str:
    return str(getattr(model._meta.get_field(field), "verbose_name", field))


def _person_validate(person: Customer, *, fields: tuple[str, ...]) -> None:
    """The given fields are required single lines; lengths and the email follow the model.

    Only these fields are checked: the rest of a person may come from Sales as it is.
    """
    errors: dict[str, list[str]] = {}
    for field in fields:
        try:
            if not getattr(person, field):
                raise ValidationError(_("This field is required."), code="required")
            validate_single_line(getattr(person, field))
        except ValidationError as exc:
            errors[field] = exc.messages
    unchecked = [f.name for f in Customer._meta.fields if f.name not in fields or f.name in errors]
    try:
        person.full_clean(exclude=unchecked, validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        message = "; ".join(
            f"{capfirst(_field_label(Customer, field))}: {' '.join(messages)}"
            for field, messages in errors.items()
        )
        raise ServiceError(message, code="invalid", details={"errors": errors})


def _hierarchy_locked(hierarchy_id: str) -> CustomerHierarchy:
    """The hierarchy row lock serializes member changes, so the last-admin rule holds."""
    try:
        return (
            CustomerHierarchy.objects.using(DB)
            .select_for_update()
            .select_related("organization")
            .get(hierarchy_id=hierarchy_id)
        )
    except CustomerHierarchy.DoesNotExist:
        raise NotFound(
            _("Customer hierarchy %(id)s does not exist.") % {"id": hierarchy_id}
        ) from None


def _member_current(hierarchy: CustomerHierarchy, account_number: str) -> HierarchyMember:
    member = (
        hierarchy.members.using(DB)
        .select_related("customer", "hierarchy")
        .exclude(status=HierarchyMember.Status.REMOVED)
        .filter(customer__account_number=account_number)
        .first()
    )
    if member is None:
        raise NotFound(
            _("%(account)s is not a user of customer hierarchy %(id)s.")
            % {"account": account_number, "id": hierarchy.hierarchy_id}
        )
    return member


def _admin_remains(member: HierarchyMember) -> None:
    """Refuse taking away the hierarchy's last pending or active admin."""
    others = (
        HierarchyMember.objects.using(DB)
        .filter(hierarchy=member.hierarchy_id, role=HierarchyMember.Role.ADMIN)
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exclude(pk=member.pk)
    )
    if member.role == HierarchyMember.Role.ADMIN and not others.exists():
        raise NotAllowed(
            _("%(name)s is the last admin of %(company)s; make another user an admin first.")
            % {"name": member.customer.name, "company": member.hierarchy.name},
            code="last_admin",
        )


_PERSON_FIELDS = ("first_name", "last_name", "email")
_MEMBER_CHANGE_FIELDS = {"first_name", "last_name", "role", "spending_limit"}


def hierarchy_member_add(
    *,
    hierarchy_id: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    spending_limit: Decimal | None,
    language: str,
    actor: str,
) -> HierarchyMember:
    """Add a partner user: person customer, pending membership, invitation and email."""
    role = _member_role(role)
    limit = _spending_limit(spending_limit)
    if language not in [code for code, __ in settings.LANGUAGES]:
        raise ServiceError(_("Unknown language %(code)s.") % {"code": language}, code="language")
    first_name, last_name, email = _text(first_name), _text(last_name), _text(email)
    with transaction.atomic(using=DB):
        hierarchy = _hierarchy_locked(hierarchy_id)
        organization = hierarchy.organization
        person = Customer(
            party_type=Customer.PartyType.PERSON,
            name=f"{first_name} {last_name}",
            first_name=first_name,
            last_name=last_name,
            email=email,
            language=language,
            country=organization.country,
        )
        _person_validate(person, fields=_PERSON_FIELDS)
        person.email = email = email_normalize(email)
        duplicate = (
            hierarchy.members.using(DB)
            .exclude(status=HierarchyMember.Status.REMOVED)
            .filter(customer__email__iexact=email)
        )
        if duplicate.exists():
            raise NotAllowed(
                _("%(email)s is already a user of %(company)s.")
                % {"email": email, "company": hierarchy.name},
                code="duplicate_email",
            )
        if hierarchy_member_elsewhere(email=email, hierarchy_id=hierarchy_id):
            raise ServiceError(
                str(ONE_ORGANIZATION),
                code="other_organization",
                details={"errors": {"email": [str(ONE_ORGANIZATION)]}},
            )
        (person.account_number,) = number_sequence_take(code="customer")
        person.save(using=DB)
        member = HierarchyMember.objects.using(DB).create(
            hierarchy=hierarchy, customer=person, role=role, spending_limit=limit
        )
        _audit(
            actor=actor,
            record=person,
            object_key=person.account_number,
            changes={field: (None, getattr(person, field)) for field in _PERSON_FIELDS},
        )
        _audit(
            actor=actor,
            record=member,
            object_key=member.transition_key,
            changes={
                "status": (None, member.status),
                "role": (None, role),
                "spending_limit": (None, limit),
            },
        )
        _channel_copy_on_commit()
        token = invitation_create(customer=person, hierarchy=hierarchy)
        email_notifications_queue(
            specs=[
                EmailSpec(
                    type=EmailNotification.Type.PARTNER_USER_INVITED,
                    event_key=f"partner_user_invited:{member.transition_key}",
                    recipient=email,
                    language=language,
                    context={
                        "first_name": first_name,
                        "last_name": last_name,
                        "company_name": organization.name,
                        "sign_in_url": invitation_url(token, language=language),
                        "invitation_days": settings.INVITATION_TTL_DAYS,
                    },
                )
            ]
        )
    return member


def hierarchy_member_change(
    *, hierarchy_id: str, account_number: str, actor: str, values: dict
) -> HierarchyMember:
    """Change a member's names, role or spending limit (None = no limit)."""
    unknown = set(values) - _MEMBER_CHANGE_FIELDS
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="unknown_fields",
        )
    with transaction.atomic(using=DB):
        hierarchy = _hierarchy_locked(hierarchy_id)
        member = _member_current(hierarchy, account_number)
        person = member.customer
        person_before = {field: getattr(person, field) for field in ("first_name", "last_name")}
        member_before = {"role": member.role, "spending_limit": member.spending_limit}
        if "role" in values:
            role = _member_role(values["role"])
            if role != HierarchyMember.Role.ADMIN:
                _admin_remains(member)
            member.role = role
        if "spending_limit" in values:
            member.spending_limit = _spending_limit(values["spending_limit"])
        names = {
            field: _text(values[field]) for field in ("first_name", "last_name") if field in values
        }
        if names:
            for field, value in names.items():
                setattr(person, field, value)
            person.name = f"{person.first_name} {person.last_name}"
            _person_validate(person, fields=tuple(names))
            person.save(using=DB, update_fields=[*names, "name", "updated_at"])
        member.save(using=DB, update_fields=["role", "spending_limit"])
        _audit(
            actor=actor,
            record=person,
            object_key=person.account_number,
            changes={field: (old, getattr(person, field)) for field, old in person_before.items()},
        )
        _audit(
            actor=actor,
            record=member,
            object_key=member.transition_key,
            changes={field: (old, getattr(member, field)) for field, old in member_before.items()},
        )
        _channel_copy_on_commit()
    return member


def hierarchy_member_remove(
    *, hierarchy_id: str, account_number: str, actor: str, reason: str = ""
) -> HierarchyMember:
    """Take a user out of the hierarchy (and, through the channel copy, out of the site)."""
    with transaction.atomic(using=DB):
        hierarchy = _hierarchy_locked(hierarchy_id)
        member = _member_current(hierarchy, account_number)
        _admin_remains(member)
        before = member.status
        member.remove(by=actor, reason=reason)
        member.save(using=DB, update_fields=["status"])
        _invitations_withdraw(customer=member.customer, hierarchy=hierarchy)
        _audit(
            actor=actor,
            record=member,
            object_key=member.transition_key,
            changes={"status": (before, member.status)},
        )
        _channel_copy_on_commit()
    return member


def customer_credit_limit_set(
    *, account_number: str, credit_limit: Decimal, currency: str, credit_limit_type: str, actor: str
) -> Customer:
    """Set an organization's credit limit, currency and credit limit type."""
    amount = _amount(
        credit_limit,
        message=_(
            "The credit limit must be an amount from 0 with at most 12 digits before "
            "the decimal point and 2 after it."
        ),
        code="invalid_credit_limit",
    )
    if credit_limit_type not in Customer.CreditLimitType.values:
        raise ServiceError(
            _("The credit limit type must be none or balance."), code="invalid_credit_limit_type"
        )
    with transaction.atomic(using=DB):
        try:
            customer = (
                Customer.objects.using(DB).select_for_update().get(account_number=account_number)
            )
        except Customer.DoesNotExist:
            raise NotFound(
                _("Customer %(number)s does not exist.") % {"number": account_number}
            ) from None
        if customer.party_type != Customer.PartyType.ORGANIZATION:
            raise NotAllowed(
                _("Customer %(number)s is a person; credit limits are kept on organizations.")
                % {"number": account_number},
                code="not_organization",
            )
        before = {
            "credit_limit": customer.credit_limit,
            "currency": customer.currency,
            "credit_limit_type": customer.credit_limit_type,
        }
        customer.credit_limit = amount
        customer.currency = str(currency).strip().upper()
        customer.credit_limit_type = credit_limit_type
        # Only the fields set here are checked: other data may come from Sales as it is.
        others = [f.name for f in Customer._meta.fields if f.name not in before]
        try:
            customer.full_clean(exclude=others, validate_unique=False)
        except ValidationError as exc:
            raise ServiceError(
                " ".join(exc.messages), code="invalid", details={"errors": exc.message_dict}
            ) from None
        customer.save(using=DB, update_fields=[*before, "updated_at"])
        _audit(
            actor=actor,
            record=customer,
            object_key=account_number,
            changes={field: (old, getattr(customer, field)) for field, old in before.items()},
        )
        _channel_copy_on_commit()
    return customer


# --- decline messages (SPEC §9) ---------------------------------------------------------------

DECLINE_MESSAGE_MAX_LENGTH = 1000


def decline_message_set(*, category: str, language: str, text: str, actor: str) -> DeclineMessage:
    """Set the customer-facing line of decline emails for one reason category and language.

    Emails queued from now on use it; the CRM's internal reason stays on the prospect in HQ.
    """
    if category not in DeclineMessage.Category.values:
        raise ServiceError(
            _("Unknown reason category %(category)s.") % {"category": category},
            code="unknown_category",
        )
    if language not in dict(settings.LANGUAGES):
        raise ServiceError(
            _("Unknown language %(code)s.") % {"code": language},
            code="unknown_language",
        )
    text = text.strip()
    if not text:
        raise ServiceError(
            _("Write the message the customer reads."),
            code="text_required",
            details={"errors": {"text": [_("This field is required.")]}},
        )
    if len(text) > DECLINE_MESSAGE_MAX_LENGTH:
        too_long = _("Keep the message to %(limit)d characters or fewer.") % {
            "limit": DECLINE_MESSAGE_MAX_LENGTH
        }
        raise ServiceError(too_long, code="text_too_long", details={"errors": {"text": [too_long]}})
    try:
        validate_multiline(text)
    except ValidationError as exc:
        raise ServiceError(
            " ".join(exc.messages),
            code="control_characters",
            details={"errors": {"text": exc.messages}},
        ) from None
    with transaction.atomic(using=DB):
        messages = DeclineMessage.objects.using(DB)
        previous = (
            messages.select_for_update()
            .filter(category=category, language=language)
            .values_list("text", flat=True)
            .first()
        )
        message = messages.update_or_create(
            category=category, language=language, defaults={"text": text, "updated_by": actor}
        )[0]
        _audit(
            actor=actor,
            record=message,
            object_key=f"{category}/{language}",
            changes={"text": (previous, text)},
        )
    return message
