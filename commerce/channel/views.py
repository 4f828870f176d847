"""Pages of the B2B site (SPEC §10); they validate input and call the channel's services."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from .forms import OnboardingRequestForm, RequestStatusForm
from .selectors import PUBLIC_STATUSES, onboarding_request_public_status
from .services import onboarding_request_create


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


def _signup_rate(group, request) -> str:
    # Read on every request, so the limit follows the settings (and tests can change it).
    return settings.SIGNUP_RATE_LIMIT


@require_GET
def home(request):
    return _page(request, "channel/home.html")


@ratelimit(key="ip", rate=_signup_rate, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.method != "POST":
        return _page(request, "channel/sign_up.html", {"form": OnboardingRequestForm()})
    if request.limited:
        return _notice(
            request,
            title=_("Too many requests"),
            message=_(
                "We received too many sign-up requests from your network in a short time. "
                "Nothing was sent this time; please wait a little and try again."
            ),
            status=429,
        )
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
    result = onboarding_request_create(values=form.party_values(), language=request.LANGUAGE_CODE)
    if not result.created or result.request is None:
        return _notice(
            request,
            title=_("Your request is already with us"),
            message=_(
                "We already have an open request for this email address; we'll be in touch. "
                "There is no need to send it again."
            ),
        )
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
