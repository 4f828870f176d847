"""Commerce HQ actions: each one transaction, with its log rows and on-commit side effects."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound, ServiceError

from .models import (
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Invitation,
    NumberSequence,
    Prospect,
)
from .signals import prospects_created

DB = "commerce"


# --- number sequences -------------------------------------------------------------------------


def number_sequence_take(*, code: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers; the row lock serializes concurrent takers."""
    with transaction.atomic(using=DB):
        sequence = NumberSequence.objects.using(DB).select_for_update().get(code=code)
        first = sequence.next_value
        NumberSequence.objects.using(DB).filter(pk=sequence.pk).update(
            next_value=F("next_value") + count
        )
    return [f"{sequence.prefix}{value:0{sequence.width}d}" for value in range(first, first + count)]


# --- email notifications ----------------------------------------------------------------------


@dataclass(frozen=True)
class EmailSpec:
    type: str
    event_key: str
    recipient: str
    language: str
    context: dict


def _render_email(spec: EmailSpec) -> EmailNotification:
    context = {"store_name": settings.STORE_NAME, "site_url": settings.SITE_URL, **spec.context}
    folder = f"emails/{spec.type}"
    with translation.override(spec.language):
        subject = render_to_string(f"{folder}/subject.txt", context).strip()
        body_text = render_to_string(f"{folder}/body.txt", context)
        body_html = render_to_string(f"{folder}/body.html", context)
    return EmailNotification(
        type=spec.type,
        event_key=spec.event_key,
        recipient=spec.recipient,
        language=spec.language,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        next_attempt_at=timezone.now(),
    )


def email_notifications_queue(*, specs: list[EmailSpec]) -> None:
    """Queue emails inside the caller's commerce transaction; one per event, however often."""
    if not specs:
        return
    EmailNotification.objects.using(DB).bulk_create(
        [_render_email(spec) for spec in specs], ignore_conflicts=True
    )
    from .tasks import email_notifications_send

    transaction.on_commit(email_notifications_send.delay, using=DB)


def email_notifications_send_due(*, batch_size: int = 20) -> int:
    """Send queued emails that are due; returns how many are left waiting for a retry.

    Each row is locked while it is sent, so two workers never send the same email.
    """
    from django.core.mail import EmailMultiAlternatives

    while True:
        with transaction.atomic(using=DB):
            due = list(
                EmailNotification.objects.using(DB)
                .select_for_update(skip_locked=True)
                .filter(status=EmailNotification.Status.QUEUED, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id")[:batch_size]
            )
            for notification in due:
                message = EmailMultiAlternatives(
                    subject=notification.subject,
                    body=notification.body_text,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[notification.recipient],
                    headers={"X-Notification-Id": str(notification.notification_id)},
                )
                if notification.body_html:
                    message.attach_alternative(notification.body_html, "text/html")
                notification.attempts += 1
                try:
                    message.send()
                except Exception as exc:  # any transport failure is retried, never lost
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
                    update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
                )
        if len(due) < batch_size:
            break
    return (
        EmailNotification.objects.using(DB).filter(status=EmailNotification.Status.QUEUED).count()
    )


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
        from .tasks import email_notifications_send

        transaction.on_commit(email_notifications_send.delay, using=DB)
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
    created = Prospect.objects.using(DB).bulk_create(prospects)
    prospects_created.send(sender=Prospect, prospects=created)
    return created


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


def invitation_create(*, customer: Customer, hierarchy: CustomerHierarchy) -> str:
    """Create a single-use, expiring invitation and return its raw token (stored hashed)."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.using(DB).create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        customer=customer,
        hierarchy=hierarchy,
        email=customer.email,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    return token


def invitation_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/partner/invitation/{token}/"


def prospect_approve(
    *, prospect_number: str, actor: str, decided_in_sales: bool = False
) -> Prospect:
    """Approve a new prospect and build what SPEC §8 lists, all in one transaction."""
    _decision_allowed(decided_in_sales=decided_in_sales)
    with transaction.atomic(using=DB):
        prospect = _prospect_for_decision(prospect_number)
        organization, person = _customers_for_approval(prospect)
        (hierarchy_id,) = number_sequence_take(code="hierarchy")
        hierarchy = CustomerHierarchy.objects.using(DB).create(
            hierarchy_id=hierarchy_id,
            name=organization.name,
            purpose="B2B organization",
            organization=organization,
            prospect_number=prospect.prospect_number,
        )
        HierarchyMember.objects.using(DB).create(
            hierarchy=hierarchy, customer=person, role=HierarchyMember.Role.ADMIN
        )
        token = invitation_create(customer=person, hierarchy=hierarchy)
        prospect.approve(by=actor)
        prospect.decided_at = timezone.now()
        prospect.organization_customer = organization.account_number
        prospect.person_customer = person.account_number
        prospect.customer_hierarchy = hierarchy.hierarchy_id
        prospect.save()
        email_notifications_queue(
            specs=[
                EmailSpec(
                    type=EmailNotification.Type.PROSPECT_APPROVED,
                    event_key=f"prospect_approved:{prospect.prospect_number}",
                    recipient=prospect.email,
                    language=prospect.language,
                    context={
                        "first_name": prospect.first_name,
                        "last_name": prospect.last_name,
                        "company_name": prospect.company_name,
                        "email": prospect.email,
                        "sign_in_url": invitation_url(token),
                        "invitation_days": settings.INVITATION_TTL_DAYS,
                    },
                )
            ]
        )
    return prospect


def prospect_reject(
    *, prospect_number: str, reason: str, actor: str, decided_in_sales: bool = False
) -> Prospect:
    _decision_allowed(decided_in_sales=decided_in_sales)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give a reason for the rejection."), code="reason_required")
    with transaction.atomic(using=DB):
        prospect = _prospect_for_decision(prospect_number)
        prospect.reject(by=actor, reason=reason)
        prospect.decided_at = timezone.now()
        prospect.save()
        email_notifications_queue(
            specs=[
                EmailSpec(
                    type=EmailNotification.Type.PROSPECT_REJECTED,
                    event_key=f"prospect_rejected:{prospect.prospect_number}",
                    recipient=prospect.email,
                    language=prospect.language,
                    context={
                        "first_name": prospect.first_name,
                        "last_name": prospect.last_name,
                        "company_name": prospect.company_name,
                        "reason": reason if settings.REJECTION_EMAIL_INCLUDES_REASON else "",
                    },
                )
            ]
        )
    return prospect


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
    with transaction.atomic(using=DB):
        customer = (
            Customer.objects.using(DB).select_for_update().filter(account_number=account_number)
        ).first() or Customer(account_number=account_number, party_type=party_type)
        if customer.party_type != party_type:
            raise NotAllowed(
                _("Customer %(number)s is an %(type)s, not a %(wanted)s.")
                % {"number": account_number, "type": customer.party_type, "wanted": party_type}
            )
        for field, value in values.items():
            setattr(customer, field, value)
        customer.full_clean(validate_unique=False)
        customer.save(using=DB)
    return customer
