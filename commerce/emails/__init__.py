"""The emails of SPEC §9: what each one says (builders), how it is rendered, and the mailer."""

from .builders import (
    onboarding_request_received_email,
    partner_user_invited_email,
    partner_user_joined_email,
    prospect_approved_email,
    prospect_rejected_email,
)
from .orders import (
    order_approval_requested_email,
    order_decided_in_hq_email,
    order_declined_email,
    order_placed_email,
)
from .rendering import EmailSpec, RenderedEmail, email_render, email_subjects

__all__ = [
    "EmailSpec",
    "RenderedEmail",
    "email_render",
    "email_subjects",
    "onboarding_request_received_email",
    "order_approval_requested_email",
    "order_decided_in_hq_email",
    "order_declined_email",
    "order_placed_email",
    "partner_user_invited_email",
    "partner_user_joined_email",
    "prospect_approved_email",
    "prospect_rejected_email",
]
