"""Invitation links: single use, expiring, only the newest one works (SPEC §11)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commerce.emails import partner_user_invited_email
from commerce.models import Customer, CustomerHierarchy, Invitation
from commerce.selectors import invitation_state, invitation_token_hash
from core.errors import NotAllowed, NotFound

from .common import DB
from .notifications import email_notifications_queue


def invitations_withdraw(*, customer: Customer, hierarchy: CustomerHierarchy) -> None:
    """Links of this person not yet used stop working (a newer one, or the member is gone)."""
    Invitation.objects.using(DB).filter(
        customer=customer, hierarchy=hierarchy, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


def invitation_create(*, customer: Customer, hierarchy: CustomerHierarchy) -> str:
    """Create a single-use, expiring invitation and return its raw token (stored hashed).

    The person's earlier links are withdrawn: only the newest email sets a password.
    """
    invitations_withdraw(customer=customer, hierarchy=hierarchy)
    token = secrets.token_urlsafe(32)
    Invitation.objects.using(DB).create(
        token_hash=invitation_token_hash(token),
        customer=customer,
        hierarchy=hierarchy,
        email=customer.email,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    return token


def invitation_send(
    *, person: Customer, hierarchy: CustomerHierarchy, company_name: str, event_key: str = ""
) -> str:
    """Invite `person` (a new link) and queue the email that carries it; return the token.

    `event_key` is the event the email is for; without one, the new link is the event.
    """
    token = invitation_create(customer=person, hierarchy=hierarchy)
    email = partner_user_invited_email(
        person=person,
        company_name=company_name,
        sign_in_url=invitation_url(token, language=person.language),
        event_key=event_key or f"invitation_renewed:{invitation_token_hash(token)}",
    )
    email_notifications_queue(specs=[email])
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
            _("This invitation was withdrawn: you no longer have access to %(company)s.")
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
        new_token = invitation_send(person=person, hierarchy=hierarchy, company_name=hierarchy.name)
    return Invitation.objects.using(DB).get(token_hash=invitation_token_hash(new_token))
