"""Pages of the B2B site (SPEC §10); they validate input and call the channel's services."""

from functools import wraps

from axes.utils import reset as sign_in_lockout_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from core.clients import client_address_key
from core.errors import NotAllowed, NotFound, ServiceError
from core.identity import email_normalize
from core.sign_in import sign_in_username

from .access import request_partner_member
from .forms import (
    OnboardingRequestForm,
    OrganizationUserChangeForm,
    OrganizationUserForm,
    PartnerPasswordResetForm,
    PartnerSignInForm,
    RequestStatusForm,
)
from .models import ChannelHierarchyMember, PartnerUserRequest
from .selectors import (
    PUBLIC_STATUSES,
    onboarding_request_public_status,
    organization_member,
    organization_user_requests_failed,
    organization_users,
    partner_invitation_link,
    partner_membership,
)
from .services import (
    onboarding_request_create,
    partner_invitation_accept,
    partner_invitation_renew,
    partner_user_request_add,
    partner_user_request_change,
    partner_user_request_remove,
)
from .sign_up_limit import sign_up_wait_seconds

# New links for an invitation, per client and per person: each one sends an email.
INVITATION_RENEW_RATE = "5/h"
INVITATION_RENEW_RATE_PER_PERSON = "3/h"


def _page(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(
        request, template, {"store_name": settings.STORE_NAME, **(context or {})}, status=status
    )


def _notice(request, *, title: str, message: str, status: int = 200):
    return _page(
        request, "channel/notice.html", {"title": title, "message": message}, status=status
    )


def _status_context(status: str) -> dict:
    return {"public_status": status, "status_label": PUBLIC_STATUSES[status]}


@require_GET
def home(request):
    return _page(request, "channel/home.html")


def _sign_up_refused(request, refusal: str):
    """The kind answer to a sign-up that is not stored: already open, or already a partner."""
    if refusal == "partner_exists":
        return _page(request, "channel/sign_up_has_access.html")
    return _notice(
        request,
        title=_("Your request is already with us"),
        message=_(
            "We already have an open request for this email address; we'll be in touch. "
            "There is no need to send it again."
        ),
    )


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.method != "POST":
        return _page(request, "channel/sign_up.html", {"form": OnboardingRequestForm()})
    form = OnboardingRequestForm(request.POST)
    if form.honeypot_filled:
        # Looks like any accepted request to the bot, but nothing is stored.
        return _notice(
            request,
            title=_("Thank you"),
            message=_("We have received your request and will be in touch."),
        )
    if not form.is_valid():
        return _page(request, "channel/sign_up.html", {"form": form})
    # Counted with the API's sign-ups, valid ones only (sign_up_limit).
    if sign_up_wait_seconds(request) is not None:
        return _notice(
            request,
            title=_("Too many requests"),
            message=_(
                "We received too many sign-up requests from your network in a short time. "
                "Nothing was sent this time; please wait a little and try again."
            ),
            status=429,
        )
    result = onboarding_request_create(values=form.party_values(), language=request.LANGUAGE_CODE)
    if not result.created or result.request is None:
        return _sign_up_refused(request, result.refusal)
    # Shown once, to this browser only: the confirmation URL itself reveals no personal data.
    messages.success(
        request,
        _("Thank you, %(first_name)s. We have received the request for “%(company_name)s”.")
        % {"first_name": result.request.first_name, "company_name": result.request.company_name},
    )
    return redirect("channel:sign-up-done", request_id=result.request.request_id)


@require_GET
def sign_up_done(request, request_id):
    status = onboarding_request_public_status(request_id=request_id)
    if status is None:
        raise Http404(_("There is no request with this reference."))
    return _page(
        request,
        "channel/sign_up_done.html",
        {"request_id": request_id, **_status_context(status)},
    )


@require_GET
def request_status(request):
    form = RequestStatusForm(request.GET or None)
    context: dict = {"form": form}
    if form.is_valid():
        request_id = form.cleaned_data["reference"]
        status = onboarding_request_public_status(request_id=request_id)
        if status is None:
            form.add_error("reference", _("We could not find a request with this reference."))
        else:
            context.update(request_id=request_id, **_status_context(status))
    return _page(request, "channel/request_status.html", context)


# --- partner sign-in, sign-out and password reset ---------------------------------------------


class _SitePage:
    """Django's auth views, rendered in the site's layout."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "store_name": settings.STORE_NAME}  # type: ignore[misc]


class PartnerSignInView(_SitePage, auth_views.LoginView):
    template_name = "channel/sign_in.html"
    authentication_form = PartnerSignInForm

    def get_default_redirect_url(self) -> str:
        return reverse("channel:account")


class PartnerSignOutView(auth_views.LogoutView):
    def get_default_redirect_url(self) -> str:
        return reverse("channel:home")


class PartnerPasswordResetView(_SitePage, auth_views.PasswordResetView):
    template_name = "channel/password_reset.html"
    form_class = PartnerPasswordResetForm
    subject_template_name = "emails/partner_password_reset/subject.txt"
    email_template_name = "emails/partner_password_reset/body.txt"
    success_url = reverse_lazy("channel:password-reset-sent")

    def post(self, request, *args, **kwargs):
        # Per client before the form: malformed tries count too (SPEC §11).
        if is_ratelimited(
            request,
            group="password-reset:client",
            key=client_address_key,
            rate=settings.PASSWORD_RESET_RATE_PER_CLIENT,
            method="POST",
            increment=True,
        ):
            return _notice(
                request,
                title=_("Too many requests"),
                message=_(
                    "We received too many password-reset requests from your network in a short "
                    "time. Nothing was sent this time; please wait a little and try again."
                ),
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if is_ratelimited(
            self.request,
            group="password-reset:account",
            key=lambda group, request: self._account(form.cleaned_data["email"]),
            rate=settings.PASSWORD_RESET_RATE_PER_ACCOUNT,
            method="POST",
            increment=True,
        ):
            # The usual "sent" page, without sending: it must not tell whether the account
            # exists, and its owner already has the links sent a moment ago.
            return redirect(self.get_success_url())
        self.extra_email_context = {"store_name": settings.STORE_NAME}
        return super().form_valid(form)

    @staticmethod
    def _account(email: str) -> str:
        """One count per mailbox however it is typed; an address the site would refuse still
        counts under its typed form."""
        try:
            return email_normalize(email)
        except ValidationError:
            return email.strip().lower()


class PartnerPasswordResetSentView(_SitePage, auth_views.PasswordResetDoneView):
    template_name = "channel/password_reset_sent.html"


class PartnerPasswordResetConfirmView(_SitePage, auth_views.PasswordResetConfirmView):
    template_name = "channel/password_reset_confirm.html"
    success_url = reverse_lazy("channel:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The emailed link proves the owner: a sign-in lock on the account is lifted, as the
        # lockout message promises.
        sign_in_lockout_reset(
            username=sign_in_username(self.request, {"username": form.user.get_username()})
        )
        return response


class PartnerPasswordResetCompleteView(_SitePage, auth_views.PasswordResetCompleteView):
    template_name = "channel/password_reset_complete.html"


# --- invitation links -------------------------------------------------------------------------


def _hq_unavailable(request):
    return _notice(
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
    return _notice(
        request,
        title=_("This link is not valid"),
        message=_(
            "Please use the link exactly as it appears in our email. If it still does not work, "
            "ask your organization's admin to add you again."
        ),
        status=404,
    )


def _unusable_link(request, token: str, link):
    return _page(
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
    form = SetPasswordForm(_invited_person(link), request.POST or None)
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
    return _page(request, "channel/invitation.html", {"form": form, "link": link})


def _signed_in_after_invitation(request, user):
    member = partner_membership(user_id=user.pk)
    if member is not None and not member.has_access and member.status != member.Status.PENDING:
        return _notice(
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
        return _notice(
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
    return _notice(
        request,
        title=_("Too many requests"),
        message=_("We have sent several new links already. Please check your email."),
        status=429,
    )


@ratelimit(key=client_address_key, rate=INVITATION_RENEW_RATE, method="POST", block=False)
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
        return _notice(request, title=_("No new link"), message=str(exc.message), status=410)
    except DatabaseError:
        return _hq_unavailable(request)
    return _page(
        request,
        "channel/invitation_sent.html",
        {"email": invitation.email, "days": settings.INVITATION_TTL_DAYS},
    )


# --- partner portal ---------------------------------------------------------------------------


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
                return _notice(
                    request,
                    title=_("For business partners only"),
                    message=_("This page is for users of a business account on the B2B site."),
                    status=403,
                )
            if member is None or not member.has_access:
                logout(request)
                messages.error(
                    request,
                    _(
                        "Your access to the B2B site is not active. If your organization's "
                        "admin removed you, ask them to add you again."
                    ),
                )
                return redirect("channel:sign-in")
            if admin and not member.is_admin:
                return _notice(
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
    return _page(
        request,
        "channel/account.html",
        {"member": member, "organization": member.hierarchy.organization},
    )


@partner_required(admin=True)
@require_GET
def organization_user_list(request):
    hierarchy_id = request.partner.hierarchy_id
    return _page(
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
    return _page(request, "channel/organization_user_form.html", {"form": form, "member": None})


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
    return _page(request, "channel/organization_user_form.html", {"form": form, "member": member})


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
    return _page(
        request, "channel/organization_user_remove.html", {"member": member, "error": error}
    )
