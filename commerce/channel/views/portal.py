"""The partner portal's gate, and the account page behind it."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import request_partner_member
from ..shop.selectors import month_spent, organization_credit
from .page import notice, page


def partner_required(view=None, *, admin: bool = False):
    """Let in only partner users the channel copy lists as active (and admins, if asked).

    Checked on every request, so a user an admin removes is out at once.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("channel:sign-in"))
            member = request_partner_member(request)
            if member is None and request.user.is_staff:
                return notice(
                    request,
                    title=_("For business partners only"),
                    message=_("This page is for users of a business account on the B2B site."),
                    status=403,
                )
            if member is None or not member.has_access:
                logout(request)
                messages.error(
                    request,
                    _("Your access to this organization was withdrawn. Ask your administrator.")
                    if member is not None and member.access_withdrawn
                    else _("Your access to the B2B site is not active."),
                )
                return redirect("channel:sign-in")
            if admin and not member.is_admin:
                return notice(
                    request,
                    title=_("For admins only"),
                    message=_("Only an admin of your organization can manage its users."),
                    status=403,
                )
            request.partner = member
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


@partner_required
@require_GET
def account(request):
    member = request.partner
    organization = member.hierarchy.organization
    return page(
        request,
        "channel/account.html",
        {
            "member": member,
            "organization": organization,
            "credit": organization_credit(organization=organization),
            "month_spent": month_spent(user_id=request.user.pk),
        },
    )
