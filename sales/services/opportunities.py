"""Opportunities in Sales: a rep changes them and closes them as won or lost."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import NotAllowed

from ..models import Note, Opportunity, OpportunityClose
from ._shared import (
    DB,
    apply_values,
    check_choice,
    clean_text,
    known_fields,
    locked,
    note_add,
    require_decided_in_sales,
    transition_reason,
    validated_save,
)


def _require_open_opportunity(opportunity: Opportunity, refusal: str) -> None:
    """`refusal` is the whole translated sentence, with %(number)s and %(status)s."""
    if opportunity.status != Opportunity.Status.OPEN:
        raise NotAllowed(
            refusal
            % {
                "number": opportunity.opportunity_number,
                "status": opportunity.get_status_display().lower(),
            },
            code="opportunity_not_open",
        )


def opportunity_update(*, opportunity_id: int, values: dict) -> Opportunity:
    """Change the topic, status reason (in progress/on hold), estimate or description."""
    values = known_fields(values, Opportunity.EDITABLE_FIELD_NAMES)
    if "status_reason" in values:
        check_choice(values["status_reason"], Opportunity.OPEN_REASONS, field="status_reason")
    with transaction.atomic(using=DB):
        opportunity = locked(Opportunity, pk=opportunity_id)
        _require_open_opportunity(
            opportunity, _("Only an open opportunity can be changed; %(number)s is %(status)s.")
        )
        if apply_values(opportunity, values):
            validated_save(opportunity)
    return opportunity


def opportunity_note_add(*, opportunity_id: int, text: str, actor: str) -> Note:
    with transaction.atomic(using=DB):
        return note_add(locked(Opportunity, pk=opportunity_id), text=text, actor=actor)


def _close(opportunity: Opportunity, *, close_date: date, actor: str) -> OpportunityClose:
    """Save the closed opportunity and write its close record."""
    validated_save(opportunity)
    close = OpportunityClose(
        opportunity=opportunity,
        outcome=opportunity.status,
        status_reason=opportunity.status_reason,
        actual_revenue=opportunity.actual_revenue,
        close_date=close_date,
        competitor=opportunity.competitor,
        description=opportunity.description,
        closed_by=actor,
    )
    close.full_clean()
    close.save()
    return close


def _revenue(value) -> Decimal:
    revenue = Opportunity._meta.get_field("actual_revenue").clean(value, None)
    if revenue is None or revenue < 0:
        raise ValidationError({"actual_revenue": _("Enter the actual revenue (zero or more).")})
    return revenue


def _close_date(value) -> date:
    close_date = OpportunityClose._meta.get_field("close_date").clean(value, None)
    if close_date is None:
        raise ValidationError({"close_date": _("Enter the close date.")})
    return close_date


def opportunity_close_as_won(
    *, opportunity_id: int, actual_revenue: Decimal, close_date: date, description: str, actor: str
) -> Opportunity:
    """Close an open opportunity as won; dual-write then approves its prospect."""
    actual_revenue = _revenue(actual_revenue)
    close_date = _close_date(close_date)
    description = clean_text(description, field="description")
    with transaction.atomic(using=DB):
        opportunity = locked(Opportunity, pk=opportunity_id)
        require_decided_in_sales(opportunity)
        _require_open_opportunity(
            opportunity, _("Only an open opportunity can be closed; %(number)s is %(status)s.")
        )
        opportunity.close_as_won(
            by=actor,
            actual_revenue=actual_revenue,
            close_date=close_date,
            description=description,
            reason=transition_reason(_("Won"), description),
        )
        _close(opportunity, close_date=close_date, actor=actor)
    return opportunity


def opportunity_close_as_lost(
    *,
    opportunity_id: int,
    status_reason: str,
    competitor: str,
    close_date: date,
    description: str,
    actor: str,
) -> Opportunity:
    """Close an open opportunity as lost (canceled or out-sold); dual-write rejects its prospect."""
    check_choice(status_reason, Opportunity.LOST_REASONS, field="status_reason")
    close_date = _close_date(close_date)
    description = clean_text(description, field="description")
    competitor = (competitor or "").strip()
    with transaction.atomic(using=DB):
        opportunity = locked(Opportunity, pk=opportunity_id)
        require_decided_in_sales(opportunity)
        _require_open_opportunity(
            opportunity, _("Only an open opportunity can be closed; %(number)s is %(status)s.")
        )
        label = str(Opportunity.StatusReason(status_reason).label)
        opportunity.close_as_lost(
            by=actor,
            status_reason=status_reason,
            close_date=close_date,
            competitor=competitor,
            description=description,
            reason=transition_reason(label, description),
        )
        _close(opportunity, close_date=close_date, actor=actor)
    return opportunity
