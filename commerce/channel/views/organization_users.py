"""Admins manage their organization's users: HQ applies each change through the jobs (SPEC §6)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import ServiceError

from ..forms import OrganizationUserChangeForm, OrganizationUserForm
from ..models import ChannelHierarchyMember, PartnerUserRequest
from ..selectors import organization_member, organization_user_requests_failed, organization_users
from ..services import (
    partner_user_request_add,
    partner_user_request_change,
    partner_user_request_remove,
)
from .page import page
from .portal import partner_required


@partner_required(admin=True)
@require_GET
def organization_user_list(request):
    hierarchy_id = request.partner.hierarchy_id
    return page(
        request,
        "channel/organization_users.html",
        {
            "organization": request.partner.hierarchy.organization,
            "users": organization_users(hierarchy_id=hierarchy_id),
            "failed_requests": organization_user_requests_failed(hierarchy_id=hierarchy_id),
        },
    )


def _service_refusal(form, exc: ValidationError | ServiceError) -> None:
    form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc.message))


@partner_required(admin=True)
@require_http_methods(["GET", "POST"])
def organization_user_add(request):
    form = OrganizationUserForm(
        request.POST or None, instance=PartnerUserRequest(action=PartnerUserRequest.Action.ADD)
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = partner_user_request_add(user=request.user, values=form.values())
        except (ValidationError, ServiceError) as exc:
            _service_refusal(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(name)s will be added shortly and will receive an email with a link to "
                    "set a password."
                )
                % {"name": added.full_name},
            )
            return redirect("channel:organization-users")
    return page(request, "channel/organization_user_form.html", {"form": form, "member": None})


def _organization_member_or_404(request, account_number: str) -> ChannelHierarchyMember:
    member = organization_member(
        hierarchy_id=request.partner.hierarchy_id, account_number=account_number
    )
    if member is None:
        raise Http404(_("Your organization has no such user."))
    return member


@partner_required(admin=True)
@require_http_methods(["GET", "POST"])
def organization_user_change(request, account_number: str):
    member = _organization_member_or_404(request, account_number)
    form = OrganizationUserChangeForm(
        request.POST or None,
        instance=PartnerUserRequest(action=PartnerUserRequest.Action.CHANGE),
        initial={
            "first_name": member.customer.first_name,
            "last_name": member.customer.last_name,
            "role": member.role,
            "spending_limit": member.spending_limit,
            "monthly_spending_limit": member.monthly_spending_limit,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner_user_request_change(
                user=request.user, account_number=account_number, values=form.values()
            )
        except (ValidationError, ServiceError) as exc:
            _service_refusal(form, exc)
        else:
            messages.success(
                request,
                _("The changes to %(name)s are saved and take effect in a moment.")
                % {"name": member.customer.name},
            )
            return redirect("channel:organization-users")
    return page(request, "channel/organization_user_form.html", {"form": form, "member": member})


@partner_required(admin=True)
@require_http_methods(["GET", "POST"])
def organization_user_remove(request, account_number: str):
    member = _organization_member_or_404(request, account_number)
    error = None
    if request.method == "POST":
        try:
            partner_user_request_remove(user=request.user, account_number=account_number)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("%(name)s has been removed and can no longer sign in.")
                % {"name": member.customer.name},
            )
            return redirect("channel:organization-users")
    return page(
        request, "channel/organization_user_remove.html", {"member": member, "error": error}
    )
