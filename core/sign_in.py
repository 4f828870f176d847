"""Sign-in throttling (SPEC §11): how django-axes names an account, and what a locked-out person
sees on the partner site and in the consoles (settings in config/settings/auth.py)."""

import math
import unicodedata
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext


def sign_in_username(request, credentials) -> str | None:
    """The account an attempt counts against: the name the sign-in forms pass to authenticate()
    (Django's UsernameField applies NFKC and strips, the partner form also lower-cases), folded
    the same way everywhere so that "Ewa" and "ewa " count against one account."""
    value = (credentials or {}).get("username") if credentials else request.POST.get("username")
    if value is None:
        return None
    return unicodedata.normalize("NFKC", str(value)).strip().lower()


class SignInAttemptHandler(AxesDatabaseHandler):
    """axes' database handler, except that a successful sign-in forgets the failures against
    that account only. axes would also forget the address's failures on other accounts, so
    someone holding one account could sign in to it between guesses at others."""

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _lock_ends(request, credentials) -> datetime:
    """When the failures still counted drop below the limit, for the lock that lasts longest.

    axes counts a row (account, address, browser) with all its failures until its latest failure
    is older than the cool-off; the lock ends once enough of the oldest rows have aged out."""
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    ends = None
    handler = AxesProxyHandler.get_implementation()
    for attempts in handler.get_user_attempts(request, credentials):
        rows = attempts.order_by("attempt_time").values_list("attempt_time", "failures_since_start")
        counted = sum(failures for _, failures in rows)
        for attempt_time, failures in rows:
            if counted < limit:
                break
            counted -= failures
            if counted < limit and (ends is None or attempt_time + cool_off > ends):
                ends = attempt_time + cool_off
    return ends or timezone.now() + cool_off


def lockout_message(request, credentials) -> str:
    seconds = (_lock_ends(request, credentials) - timezone.now()).total_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    match = request.resolver_match
    if match is not None and match.app_name == "admin":
        # The consoles have no password reset of their own.
        message = ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute or ask an "
            "administrator to lift the lock.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes or ask an "
            "administrator to lift the lock.",
            minutes,
        )
    else:
        message = ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute or reset your "
            "password.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes or reset your "
            "password.",
            minutes,
        )
    return message % {"minutes": minutes}


def sign_in_locked_out(request, original_response, credentials):
    """The sign-in page the view rendered, its error replaced by the lockout, with HTTP 429."""
    message = lockout_message(request, credentials)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if form is None or not hasattr(original_response, "rendered_content"):
        return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    # "Wrong email or password" would be misleading: the password was not even checked.
    form.errors.pop(NON_FIELD_ERRORS, None)
    form.add_error(None, ValidationError(message, code="locked_out"))
    original_response.content = original_response.rendered_content
    original_response.status_code = 429
    return original_response
