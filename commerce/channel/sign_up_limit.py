"""The sign-up rate limit (SPEC §11): the form and the API count together, per client.

Only a valid sign-up counts: a visitor fixing a typo is not pushed towards the limit, and a
bot's invalid tries or honeypot hits gain nothing from it either. The client is the address
behind the configured number of trusted proxies (core.clients).
"""

from django.conf import settings
from django_ratelimit.core import get_usage

from core.clients import client_address_key

GROUP = "channel.sign_up"


def sign_up_wait_seconds(request) -> int | None:
    """Count this sign-up; None while within the limit, else the seconds to wait."""
    usage = get_usage(
        request,
        group=GROUP,
        key=client_address_key,
        # Read on every request, so the limit follows the settings (and tests can change it).
        rate=settings.SIGNUP_RATE_LIMIT,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)
