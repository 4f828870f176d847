"""Prospects: created from channel requests, decided in HQ or in Sales (SPEC §4, §8)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.emails import prospect_rejected_email
from commerce.models import Prospect, TransitionLog
from commerce.selectors import decline_message_text
from core.errors import NotAllowed, NotFound, ServiceError
from core.models import defaulted_fields
from core.validators import validate_multiline

from .common import DB, number_sequence_take
from .notifications import email_notifications_queue


def prospects_create(*, rows: list[dict]) -> list[Prospect]:
    """Create prospects from validated party values (each row carries its `request_id`)."""
    numbers = number_sequence_take(code="prospect", count=len(rows)) if rows else []
    prospects = [
        Prospect(prospect_number=number, **row) for number, row in zip(numbers, rows, strict=True)
    ]
    defaulted = defaulted_fields(
        Prospect, {"prospect_number", *(name for row in rows for name in row)}
    )
    for prospect in prospects:
        prospect.full_clean(exclude=defaulted, validate_unique=False, validate_constraints=False)
    # The bulk create announces itself to dual-write (core.outboxed.records_written).
    return Prospect.objects.using(DB).bulk_create(prospects)


def decision_allowed_check(*, decided_in_sales: bool) -> None:
    if settings.SALES_INTEGRATION_ENABLED and not decided_in_sales:
        raise NotAllowed(
            _(
                "The Sales integration is on, so this prospect is decided in Sales: "
                "qualify and close its lead there. HQ cannot approve or reject it by hand."
            ),
            code="decided_in_sales",
        )


def _prospect_locked(prospect_number: str) -> Prospect:
    try:
        return Prospect.objects.using(DB).select_for_update().get(prospect_number=prospect_number)
    except Prospect.DoesNotExist as exc:
        raise NotFound(
            _("Prospect %(number)s does not exist.") % {"number": prospect_number}
        ) from exc


def prospect_for_decision_locked(prospect_number: str) -> Prospect:
    """The prospect, locked, if it is new: only a new prospect can be approved or rejected."""
    prospect = _prospect_locked(prospect_number)
    if prospect.status != Prospect.Status.NEW:
        raise NotAllowed(
            _("Prospect %(number)s is already %(status)s; only a new prospect can be decided.")
            % {"number": prospect_number, "status": prospect.get_status_display().lower()},
            code="already_decided",
        )
    return prospect


def _decision_count(prospect: Prospect) -> int:
    """How many times the prospect was rejected before: a reopened one's next email is new."""
    return (
        TransitionLog.objects.using(DB)
        .filter(
            model=Prospect._meta.label_lower,
            object_key=prospect.prospect_number,
            transition="reject",
        )
        .count()
    )


def prospect_reject(
    *,
    prospect_number: str,
    reason: str,
    actor: str,
    category: str = "",
    decided_in_sales: bool = False,
    sales_lead: str = "",
    sales_opportunity: str = "",
) -> Prospect:
    """Reject a new prospect. `reason` is internal to HQ; the decline email carries the
    customer-facing line of the reason's `category` (SPEC §9)."""
    decision_allowed_check(decided_in_sales=decided_in_sales)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give a reason for the rejection."), code="reason_required")
    validate_multiline(reason)
    with transaction.atomic(using=DB):
        prospect = prospect_for_decision_locked(prospect_number)
        earlier = _decision_count(prospect)
        prospect.reject(
            by=actor, reason=reason, category=category or ("generic" if decided_in_sales else "hq")
        )
        prospect.decided_at = timezone.now()
        prospect.sales_lead, prospect.sales_opportunity = sales_lead, sales_opportunity
        prospect.sync_error = ""
        prospect.save()
        reason_message = decline_message_text(
            category=prospect.reason_category or "generic", language=prospect.language
        )
        email_notifications_queue(
            specs=[
                prospect_rejected_email(
                    prospect=prospect, earlier=earlier, reason_message=reason_message
                )
            ]
        )
    return prospect


def prospect_reopen(*, prospect_number: str, actor: str, sales_lead: str = "") -> Prospect:
    """Sales reactivated the lead whose disqualification rejected this prospect: it is new
    again (logged, no email), so a later win approves it (SPEC §4)."""
    with transaction.atomic(using=DB):
        prospect = _prospect_locked(prospect_number)
        if prospect.status == Prospect.Status.NEW:
            return prospect  # its rejection never arrived: nothing to reopen
        if prospect.status != Prospect.Status.REJECTED:
            raise NotAllowed(
                _(
                    "Prospect %(number)s is already %(status)s; a reactivated lead can reopen "
                    "only a rejected prospect."
                )
                % {"number": prospect_number, "status": prospect.get_status_display().lower()},
                code="already_decided",
            )
        prospect.reopen(by=actor, reason=_("Lead %(lead)s reactivated") % {"lead": sales_lead})
        prospect.sync_error = ""
        prospect.save()
    return prospect


def prospect_sync_error_set(*, prospect_number: str, error: str) -> None:
    """Show on the prospect that a Sales decision could not be applied (SPEC §7)."""
    Prospect.objects.using(DB).filter(prospect_number=prospect_number).update(
        sync_error=error[:4000]
    )
