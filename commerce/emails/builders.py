"""One builder per email type: its event key, recipient, language and template context.

The event key makes queueing idempotent (one email per event, however often it is queued).
"""

from django.conf import settings

from commerce.channel.models import OnboardingRequest
from commerce.models import Customer, EmailNotification, Prospect

from .rendering import EmailSpec


def onboarding_request_received_email(*, request: OnboardingRequest) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED,
        event_key=f"onboarding_request_received:{request.request_id}",
        recipient=request.email,
        language=request.language,
        context={
            "first_name": request.first_name,
            "last_name": request.last_name,
            "company_name": request.company_name,
            "request_id": str(request.request_id),
        },
    )


def prospect_approved_email(
    *,
    prospect: Prospect,
    organization: Customer,
    requester: Customer,
    language: str,
    sign_in_url: str,
) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.PROSPECT_APPROVED,
        event_key=f"prospect_approved:{prospect.prospect_number}",
        recipient=requester.email,
        language=language,
        context={
            "first_name": requester.first_name,
            "last_name": requester.last_name,
            "company_name": organization.name,
            "email": requester.email,
            "sign_in_url": sign_in_url,
            "invitation_days": settings.INVITATION_TTL_DAYS,
        },
    )


def prospect_rejected_email(*, prospect: Prospect, earlier: int, reason_message: str) -> EmailSpec:
    """`earlier` rejections of the same prospect: a reopened prospect's next one is a new event."""
    suffix = f":{earlier + 1}" if earlier else ""
    return EmailSpec(
        type=EmailNotification.Type.PROSPECT_REJECTED,
        event_key=f"prospect_rejected:{prospect.prospect_number}{suffix}",
        recipient=prospect.email,
        language=prospect.language,
        context={
            "first_name": prospect.first_name,
            "last_name": prospect.last_name,
            "company_name": prospect.company_name,
            "reason_message": reason_message,
        },
    )


def partner_user_invited_email(
    *, person: Customer, company_name: str, sign_in_url: str, event_key: str
) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.PARTNER_USER_INVITED,
        event_key=event_key,
        recipient=person.email,
        language=person.language,
        context={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "company_name": company_name,
            "sign_in_url": sign_in_url,
            "invitation_days": settings.INVITATION_TTL_DAYS,
        },
    )


def partner_user_joined_email(
    *, admin: Customer, person: Customer, company_name: str, hierarchy_id: str
) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.PARTNER_USER_JOINED,
        event_key=f"partner_user_joined:{hierarchy_id}/{person.account_number}"
        f":{admin.account_number}",
        recipient=admin.email,
        language=admin.language,
        context={
            "first_name": admin.first_name,
            "last_name": admin.last_name,
            "company_name": company_name,
            "new_user_name": person.name,
            "new_user_email": person.email,
        },
    )
