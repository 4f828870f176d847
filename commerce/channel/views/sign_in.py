"""Partner sign-in, sign-out and password reset: Django's auth views in the site's layout."""

from axes.utils import reset as sign_in_lockout_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from core.clients import client_address_key
from core.identity import email_normalize
from core.sign_in import sign_in_username

from ..forms import PartnerPasswordResetForm, PartnerSetPasswordForm, PartnerSignInForm
from .page import notice


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
            return notice(
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
    form_class = PartnerSetPasswordForm
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
