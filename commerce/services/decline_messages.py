"""The customer-facing lines of decline emails, per reason category and language (SPEC §9)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commerce.models import DeclineMessage
from core.errors import ServiceError
from core.validators import validate_multiline

from .audit import audit_entries_create
from .common import DB

DECLINE_MESSAGE_MAX_LENGTH = 1000


def decline_message_set(*, category: str, language: str, text: str, actor: str) -> DeclineMessage:
    """Set the customer-facing line of decline emails for one reason category and language.

    Emails queued from now on use it; the CRM's internal reason stays on the prospect in HQ.
    """
    if category not in DeclineMessage.Category.values:
        raise ServiceError(
            _("Unknown reason category %(category)s.") % {"category": category},
            code="unknown_category",
        )
    if language not in dict(settings.LANGUAGES):
        raise ServiceError(
            _("Unknown language %(code)s.") % {"code": language},
            code="unknown_language",
        )
    text = text.strip()
    if not text:
        raise ServiceError(
            _("Write the message the customer reads."),
            code="text_required",
            details={"errors": {"text": [_("This field is required.")]}},
        )
    if len(text) > DECLINE_MESSAGE_MAX_LENGTH:
        too_long = _("Keep the message to %(limit)d characters or fewer.") % {
            "limit": DECLINE_MESSAGE_MAX_LENGTH
        }
        raise ServiceError(too_long, code="text_too_long", details={"errors": {"text": [too_long]}})
    try:
        validate_multiline(text)
    except ValidationError as exc:
        raise ServiceError(
            " ".join(exc.messages),
            code="control_characters",
            details={"errors": {"text": exc.messages}},
        ) from None
    with transaction.atomic(using=DB):
        messages = DeclineMessage.objects.using(DB)
        previous = (
            messages.select_for_update()
            .filter(category=category, language=language)
            .values_list("text", flat=True)
            .first()
        )
        message = messages.update_or_create(
            category=category, language=language, defaults={"text": text, "updated_by": actor}
        )[0]
        audit_entries_create(
            actor=actor,
            record=message,
            object_key=f"{category}/{language}",
            changes={"text": (previous, text)},
        )
    return message
