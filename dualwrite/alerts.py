"""The email of the alert rule (SPEC §7): a map paused after too many failed deliveries."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from core.access import INTEGRATION_ADMINISTRATORS

from .models import MapState

logger = logging.getLogger(__name__)
DB = "default"


def map_paused_alert_send(*, state: MapState) -> None:
    """Tell the integration administrators by email that the alert rule paused a map."""
    recipients = list(
        get_user_model()
        .objects.using(DB)
        .filter(groups__name=INTEGRATION_ADMINISTRATORS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        logger.error(
            "Dual-write map %s paused by its alert rule; no administrator to tell.", state.code
        )
        return
    send_mail(
        subject=f"[Dual-write] Map {state.code} paused after {state.alert_errors} errors",
        message=(
            f"The map {state.code} had {len(state.recent_failures)} failed deliveries within "
            f"{state.alert_minutes} minutes and was paused; its changes wait in order.\n\n"
            f"Last error: {state.last_error}\n\n"
            f"Repair the cause, then retry the errors and resume the map in the HQ console "
            f"({settings.SITE_URL.rstrip('/')}/hq/dualwrite/) or with "
            f"`python manage.py dualwrite resume {state.code}`."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
