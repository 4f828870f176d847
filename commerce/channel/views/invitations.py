"""Invitation links: set a password and sign in, or ask for a fresh link (SPEC §8, §11)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db import DatabaseError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from core.clients import client_address_key
from core.errors import NotAllowed, NotFound

from ..forms import PartnerSetPasswordForm
from ..selectors import partner_invitation_link, partner_membership
from ..services import partner_invitation_accept, partner_invitation_renew
from .page import notice, page

# New links for an invitation, per client and per person: each one sends an email.
INVITATION_RENEW_RATE = "5/h"
INVITATION_RENEW_RATE_PER_PERSON = "3/h"


def _hq_unavailable(request):
    return notice(
        request,
        title=_("Please try again shortly"),
        message=_(
            "We cannot check your link right now because one of our systems is not answering. "
            "Nothing was changed; please try again in a few minutes."
        ),
        status=503,
    )


def _invalid_link(request):
    # The same page for an unknown, mistyped or tampered link: it tells nothing about others.
    return notice(
        request,
        title=_("This link is not valid"),
        message=_(
            "Please use the link exactly as it appears in our email. If it still does not work, "
            "ask your organization's admin to add you again."
        ),
        status=404,
    )


def _unusable_link(request, token: str, link):
    return page(
        request, "channel/invitation_unusable.html", {"link": link, "token": token}, status=410
    )


def _invited_person(link):
    """An unsaved user standing for the invited person, so password validators can compare."""
    return get_user_model()(
        username=link.email.lower(),
        email=link.email,
        first_name=link.first_name,
        last_name=link.last_name,
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """Set a password with a single-use invitation link and sign in (SPEC §8, §11)."""
    try:
        link = partner_invitation_link(token=token)
    except DatabaseError:
        return _hq_unavailable(request)
    if link is None:
        return _invalid_link(request)
    if not link.usable:
        return _unusable_link(request, token, link)
    form = PartnerSetPasswordForm(_invited_person(link), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = partner_invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except NotFound:
            return _invalid_link(request)
        except NotAllowed as exc:
            if exc.code in ("used", "expired", "withdrawn", "revoked"):
                return _unusable_link(request, token, partner_invitation_link(token=token))
            form.add_error(None, exc.message)
        except DatabaseError:
            return _hq_unavailable(request)
        else:
            return _signed_in_after_invitation(request, user)
    return page(request, "channel/invitation.html", {"form": form, "link": link})


def _signed_in_after_invitation(request, user):
    member = partner_membership(user_id=user.pk)
    if member is not None and not member.has_access and member.status != member.Status.PENDING:
        return notice(
            request,
            title=_("Your access has ended"),
            message=_(
                "Your organization's admin has removed you from its business account. If this "
                "is a mistake, ask them to add you again."
            ),
            status=403,
        )
    if member is None or not member.has_access:
        # Job 1010 has not brought the membership to the site yet; it will within a minute.
        return notice(
            request,
            title=_("Your password is set"),
            message=_(
                "We are still setting up your access to the B2B site; this takes about a "
                "minute. Then sign in with your email address and your new password."
            ),
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome, %(name)s. Your password is set and you are signed in.")
        % {"name": user.first_name or user.email},
    )
    return redirect("channel:account")


def _new_links_limited(request):
    return notice(
        request,
        title=_("Too many requests"),
        message=_("We have sent several new links already. Please check your email."),
        status=429,
    )


# Named, not left to the view's dotted path, so the count survives moving the code.
@ratelimit(
    group="channel:invitation-new-link:client",
    key=client_address_key,
    rate=INVITATION_RENEW_RATE,
    method="POST",
    block=False,
)
@require_POST
def invitation_new_link(request, token: str):
    """Email a fresh link for an expired, replaced or used one, to the address HQ has for that
    person; a few per person, whoever asks."""
    if request.limited:
        return _new_links_limited(request)
    try:
        link = partner_invitation_link(token=token)
        if link is None:
            return _invalid_link(request)
        if is_ratelimited(
            request,
            group="channel:invitation-new-link:person",
            key=lambda group, request: link.account_number,
            rate=INVITATION_RENEW_RATE_PER_PERSON,
            method="POST",
            increment=True,
        ):
            return _new_links_limited(request)
        invitation = partner_invitation_renew(token=token)
    except NotFound:
        return _invalid_link(request)
    except NotAllowed as exc:
        return notice(request, title=_("No new link"), message=str(exc.message), status=410)
    except DatabaseError:
        return _hq_unavailable(request)
    return page(
        request,
        "channel/invitation_sent.html",
        {"email": invitation.email, "days": settings.INVITATION_TTL_DAYS},
    )
