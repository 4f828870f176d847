"""Steps the Sales services share: locking, checking and saving a record, cleaning input."""

from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound, ServiceError
from core.sequences import number_sequence_take as sequence_take
from core.validators import validate_multiline

from ..models import Account, Contact, Lead, Note, NumberSequence, Opportunity

DB = "sales"
DESCRIPTION_MAX_LENGTH = 2000

RecordT = TypeVar("RecordT", bound=models.Model)


def number_sequence_take(*, code: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers of this system's sequence `code`."""
    return sequence_take(model=NumberSequence, using=DB, code=code, count=count)


def locked(model: type[RecordT], **lookup) -> RecordT:
    """The record, locked for the transaction; NotFound when there is none."""
    try:
        return model._default_manager.using(DB).select_for_update().get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(
            _("%(record)s %(key)s does not exist.")
            % {
                "record": capfirst(model._meta.verbose_name),
                "key": next(iter(lookup.values())),
            },
            code="not_found",
        ) from exc


def known_fields(values: dict, allowed: tuple[str, ...]) -> dict:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ServiceError(
            _("These fields cannot be set here: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_fields",
        )
    return values


def apply_values(record: models.Model, values: dict) -> bool:
    """Set the values on the record; True when any of them differs from what it held."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def validated_save(
    record: Lead | Account | Contact | Opportunity, *, validate_unique: bool = True
) -> None:
    """Validate and save (an existing record's version goes up: `core.models.Versioned`).

    `validate_unique=False` skips the uniqueness queries for a caller that has just looked the
    key up under lock; the database's constraints still hold.
    """
    # The FSM field is protected and set by transitions.
    record.full_clean(exclude=["status"], validate_unique=validate_unique)
    record.save()


def clean_text(
    value: str, *, field: str, required: bool = False, max_length: int = DESCRIPTION_MAX_LENGTH
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError(
            {field: _("Enter at most %(count)d characters.") % {"count": max_length}}
        )
    try:
        validate_multiline(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return value


def transition_reason(label: str, description: str) -> str:
    """The "why" of a transition log row: the status reason, then the rep's words."""
    return f"{label}: {description}" if description else label


def check_choice(value: str, allowed: tuple, *, field: str) -> str:
    if value not in allowed:
        labels = ", ".join(str(choice) for choice in allowed)
        raise ValidationError({field: _("Choose one of: %(choices)s.") % {"choices": labels}})
    return value


def require_decided_in_sales(record: Lead | Opportunity) -> None:
    """Refuse to decide a partner request here while the Sales integration is off.

    Commerce decides partner requests then (SPEC §3 step 9): a B2B commerce lead, or an
    opportunity from one, is neither qualified, disqualified, won nor lost in Sales.
    """
    if isinstance(record, Lead):
        from_commerce = record.lead_source == Lead.Source.B2B_COMMERCE
    else:
        from_commerce = bool(record.prospect_number)
    if from_commerce and not settings.SALES_INTEGRATION_ENABLED:
        raise NotAllowed(
            _(
                "The Sales integration is off, so Commerce decides partner requests now: "
                "approve or reject prospect %(number)s in HQ."
            )
            % {"number": record.prospect_number or "—"},
            code="decided_in_commerce",
        )


def note_add(record: Lead | Opportunity, *, text: str, actor: str) -> Note:
    """A timeline note on the record, whose version goes up."""
    text = clean_text(text, field="text", required=True, max_length=5000)
    note = Note.objects.using(DB).create(
        text=text, author=actor, **{str(record._meta.model_name): record}
    )
    validated_save(record)
    return note
