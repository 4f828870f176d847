"""Sign-up of a new business partner and the public status of its request (SPEC §10)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..access import request_partner
from ..forms import OnboardingRequestForm, RequestStatusForm
from ..selectors import PUBLIC_STATUSES, onboarding_request_public_status
from ..services import onboarding_request_create
from ..sign_up_limit import sign_up_wait_seconds
from .page import notice, page


def _status_context(status: str) -> dict:
    return {"public_status": status, "status_label": PUBLIC_STATUSES[status]}


@require_GET
def home(request):
    # A signed-in partner has an account already: their portal, not the call to sign up.
    if request_partner(request) is not None:
        return redirect("channel:account")
    return page(request, "channel/home.html")


def _sign_up_refused(request, refusal: str):
    """The kind answer to a sign-up that is not stored: already open, or already a partner."""
    if refusal == "partner_exists":
        return page(request, "channel/sign_up_has_access.html")
    return notice(
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
        return page(request, "channel/sign_up.html", {"form": OnboardingRequestForm()})
    form = OnboardingRequestForm(request.POST)
    if form.honeypot_filled:
        # Looks like any accepted request to the bot, but nothing is stored.
        return notice(
            request,
            title=_("Thank you"),
            message=_("We have received your request and will be in touch."),
        )
    if not form.is_valid():
        return page(request, "channel/sign_up.html", {"form": form})
    # Counted with the API's sign-ups, valid ones only (sign_up_limit).
    if sign_up_wait_seconds(request) is not None:
        return notice(
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
    return page(
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
    return page(request, "channel/request_status.html", context)
