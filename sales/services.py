"""Sales actions: each one transaction in `sales` that bumps the changed record's version.

Dual-write learns of changes from the django-fsm `post_transition` and `post_save` signals of
these records, so every change is saved with `.save()` inside the service's transaction, and a
transition sets its status reason (and figures) on the instance before the signal is sent.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound, ServiceError
from core.sequences import number_sequence_take as sequence_take
from core.upserts import locked_or_created
from core.validators import validate_multiline

from .models import (
    Account,
    AddressFields,
    Contact,
    Lead,
    Note,
    NumberSequence,
    Opportunity,
    OpportunityClose,
)
from .selectors import DuplicateCandidate, duplicate_candidates

DB = "sales"
DESCRIPTION_MAX_LENGTH = 2000


class DuplicatesFound(NotAllowed):
    """Qualifying would create records that may already exist (SPEC §3 step 5)."""

    def __init__(self, candidates: list[DuplicateCandidate]):
        super().__init__(
            _(
                "Possible duplicates exist. Pick an existing account or contact, "
                "or confirm that new records should be created anyway."
            ),
            code="duplicates",
            details={"duplicates": [asdict(candidate) for candidate in candidates]},
        )
        self.candidates = candidates


@dataclass(frozen=True)
class LeadQualification:
    lead: Lead
    account: Account | None
    contact: Contact | None
    opportunity: Opportunity | None


# --- shared steps -----------------------------------------------------------------------------


def number_sequence_take(*, code: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers of this system's sequence `code`."""
    return sequence_take(model=NumberSequence, using=DB, code=code, count=count)


RecordT = TypeVar("RecordT", bound=models.Model)


def _locked(model: type[RecordT], **lookup) -> RecordT:
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


def _lead(lead_id) -> Lead:
    return _locked(Lead, pk=lead_id)


def _opportunity(opportunity_id) -> Opportunity:
    return _locked(Opportunity, pk=opportunity_id)


def _known_fields(values: dict, allowed: tuple[str, ...]) -> dict:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ServiceError(
            _("These fields cannot be set here: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_fields",
        )
    return values


def _apply(record: models.Model, values: dict) -> bool:
    """Set the values on the record; True when any of them differs from what it held."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def _save(record: Lead | Account | Contact | Opportunity, *, validate_unique: bool = True) -> None:
    """Validate and save; an existing record's version goes up by one.

    `validate_unique=False` skips the uniqueness queries for a caller that has just looked the
    key up under lock; the database's constraints still hold.
    """
    if record.pk is not None:
        record.version += 1
    # The FSM field is protected and set by transitions.
    record.full_clean(exclude=["status"], validate_unique=validate_unique)
    record.save()


def _text(
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


def _reason(label: str, description: str) -> str:
    """The "why" of a transition log row: the status reason, then the rep's words."""
    return f"{label}: {description}" if description else label


def _choice(value: str, allowed: tuple, *, field: str) -> str:
    if value not in allowed:
        labels = ", ".join(str(choice) for choice in allowed)
        raise ValidationError({field: _("Choose one of: %(choices)s.") % {"choices": labels}})
    return value


# --- integration (called by dual-write) -------------------------------------------------------


def leads_upsert_from_commerce(
    *, values_by_prospect: dict[str, dict], actor: str = "integration"
) -> list[Lead]:
    """Create the leads of Commerce prospects, or update the party fields of their open leads.

    `values_by_prospect` maps a prospect number to the party fields of SPEC §5. A prospect's
    first call creates its lead owned by the integration user, with a timeline note; later
    calls change an open lead only when a value differs, so a repeated call changes nothing.
    New leads are inserted together, so a relay batch of prospects costs a few statements.
    """
    for values in values_by_prospect.values():
        _known_fields(values, Lead.PARTY_FIELD_NAMES)
    with transaction.atomic(using=DB):
        existing = {
            lead.prospect_number: lead
            for lead in Lead.objects.using(DB)
            .select_for_update()
            .filter(prospect_number__in=list(values_by_prospect))
        }
        leads, created = [], []
        for number, values in values_by_prospect.items():
            lead = existing.get(number)
            if lead is None:
                lead = Lead(
                    prospect_number=number,
                    owner=settings.SALES_INTEGRATION_USER,
                    lead_source=Lead.Source.B2B_COMMERCE,
                    created_by_integration=True,
                    topic=_("B2B partner request: %(company)s")
                    % {"company": values.get("company_name", "")},
                    **values,
                )
                # Looked up under lock just now; the unique constraint guards a race.
                lead.full_clean(exclude=["status"], validate_unique=False)
                created.append(lead)
            elif lead.status == Lead.Status.OPEN and _apply(lead, values):
                _save(lead)
            leads.append(lead)
        Lead.objects.using(DB).bulk_create(created)
        Note.objects.using(DB).bulk_create(
            Note(
                lead=lead,
                author=actor,
                text=_("Created by dual-write from Commerce prospect %(number)s.")
                % {"number": lead.prospect_number},
            )
            for lead in created
        )
    return leads


def lead_upsert_from_commerce(
    *, prospect_number: str, values: dict, actor: str = "integration"
) -> Lead:
    """`leads_upsert_from_commerce` for one prospect."""
    return leads_upsert_from_commerce(values_by_prospect={prospect_number: values}, actor=actor)[0]


UpsertedT = TypeVar("UpsertedT", Account, Contact)


def _upsert_by_key(model: type[UpsertedT], *, key: dict, values: dict) -> UpsertedT:
    def create() -> UpsertedT:
        record = model(**key, **values)
        _save(record)
        return record

    record, created = locked_or_created(
        model._default_manager.using(DB).filter(**key), create, using=DB
    )
    if not created and _apply(record, values):
        _save(record)
    return record


def account_upsert_from_commerce(
    *, account_number: str, values: dict, prospect_number: str = ""
) -> Account:
    """Create or update the account with this number from a Commerce organization customer."""
    values = dict(_known_fields(values, Account.EDITABLE_FIELD_NAMES))
    if prospect_number:
        values["prospect_number"] = prospect_number
    with transaction.atomic(using=DB):
        return _upsert_by_key(Account, key={"account_number": account_number}, values=values)


def contact_upsert_from_commerce(
    *, contact_number: str, values: dict, account_number: str = "", prospect_number: str = ""
) -> Contact:
    """Create or update the contact with this number from a Commerce person customer.

    With `account_number`, the contact is attached to that account, which must exist already
    (NotFound otherwise, so dual-write retries once the account has arrived).
    """
    values = dict(_known_fields(values, Contact.EDITABLE_FIELD_NAMES))
    if prospect_number:
        values["prospect_number"] = prospect_number
    with transaction.atomic(using=DB):
        if account_number:
            values["account_id"] = _locked(Account, account_number=account_number).pk
        return _upsert_by_key(Contact, key={"contact_number": contact_number}, values=values)


# --- leads ------------------------------------------------------------------------------------


LEAD_CREATE_FIELD_NAMES = ("lead_source", *Lead.EDITABLE_FIELD_NAMES)


def lead_create(*, values: dict, actor: str) -> Lead:
    """A lead entered by a rep, who owns it. B2B commerce leads come only from dual-write."""
    values = _known_fields(values, LEAD_CREATE_FIELD_NAMES)
    lead_sources = tuple(s for s in Lead.Source.values if s != Lead.Source.B2B_COMMERCE)
    _choice(values.get("lead_source", Lead.Source.OTHER), lead_sources, field="lead_source")
    _choice(
        values.get("status_reason", Lead.StatusReason.NEW), Lead.OPEN_REASONS, field="status_reason"
    )
    with transaction.atomic(using=DB):
        lead = Lead(owner=actor, **values)
        _save(lead)
    return lead


def _require_open_lead(lead: Lead, refusal: str) -> None:
    """`refusal` is the whole translated sentence, with a %(status)s placeholder."""
    if lead.status != Lead.Status.OPEN:
        raise NotAllowed(
            refusal % {"status": lead.get_status_display().lower()}, code="lead_not_open"
        )


def _require_decided_in_sales(record: Lead | Opportunity) -> None:
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


def lead_update(*, lead_id: int, values: dict) -> Lead:
    """Change the topic, status reason (new/contacted) or party fields of an open lead."""
    values = _known_fields(values, Lead.EDITABLE_FIELD_NAMES)
    if "status_reason" in values:
        _choice(values["status_reason"], Lead.OPEN_REASONS, field="status_reason")
    with transaction.atomic(using=DB):
        lead = _lead(lead_id)
        _require_open_lead(lead, _("Only an open lead can be changed; this lead is %(status)s."))
        if _apply(lead, values):
            _save(lead)
    return lead


def _account_from_lead(lead: Lead) -> Account:
    (number,) = number_sequence_take(code="account")
    account = Account(
        account_number=number,
        name=lead.company_name,
        email=lead.email,
        phone=lead.phone,
        website=lead.website,
        tax_id=lead.tax_id,
        language=lead.language,
        prospect_number=lead.prospect_number or "",
        **{name: getattr(lead, name) for name in AddressFields.ADDRESS_FIELD_NAMES},
    )
    _save(account)
    return account


def _contact_from_lead(lead: Lead, account: Account | None) -> Contact:
    (number,) = number_sequence_take(code="contact")
    contact = Contact(
        contact_number=number,
        first_name=lead.first_name,
        last_name=lead.last_name,
        email=lead.email,
        phone=lead.phone,
        job_title=lead.job_title,
        account=account,
        language=lead.language,
        prospect_number=lead.prospect_number or "",
        **{name: getattr(lead, name) for name in AddressFields.ADDRESS_FIELD_NAMES},
    )
    _save(contact)
    return contact


def _opportunity_from_lead(
    lead: Lead, account: Account | None, contact: Contact | None, owner: str
) -> Opportunity:
    (number,) = number_sequence_take(code="opportunity")
    opportunity = Opportunity(
        opportunity_number=number,
        topic=lead.topic,
        account=account,
        contact=contact,
        originating_lead=lead,
        owner=owner,
        prospect_number=lead.prospect_number or "",
    )
    _save(opportunity)
    # Notes carry over (SPEC §3 step 5): copies keep their author and time.
    Note.objects.using(DB).bulk_create(
        Note(
            text=note.text, author=note.author, created_at=note.created_at, opportunity=opportunity
        )
        for note in Note.objects.using(DB).filter(lead=lead).order_by("created_at", "id")
    )
    return opportunity


def _qualification_summary(
    account: Account | None, contact: Contact | None, opportunity: Opportunity | None
) -> str:
    parts = []
    if account is not None:
        parts.append(_("account %(number)s") % {"number": account.account_number})
    if contact is not None:
        parts.append(_("contact %(number)s") % {"number": contact.contact_number})
    if opportunity is not None:
        parts.append(_("opportunity %(number)s") % {"number": opportunity.opportunity_number})
    return ", ".join(parts)


def _existing(model: type[Account] | type[Contact], number_field: str, number: str):
    """A record the rep picked by number; an unknown number is a field error."""
    try:
        return model.objects.using(DB).get(**{number_field: number})
    except model.DoesNotExist as exc:
        raise ValidationError(
            {
                f"existing_{number_field}": _("There is no %(record)s with the number %(number)s.")
                % {"record": model._meta.verbose_name, "number": number}
            }
        ) from exc


def _existing_tied_to_lead(record: Account | Contact | None, lead: Lead) -> None:
    """An existing account or contact the rep chose now stands for this lead's prospect, so
    that Commerce approves with it (SPEC §8: never a copy)."""
    number = lead.prospect_number
    if record is not None and number and record.prospect_number != number:
        record.prospect_number = number
        _save(record)


def lead_qualify(
    *,
    lead_id: int,
    actor: str,
    create_account: bool = True,
    existing_account_number: str | None = None,
    create_contact: bool = True,
    existing_contact_number: str | None = None,
    create_opportunity: bool = True,
    ignore_duplicates: bool = False,
) -> LeadQualification:
    """Qualify an open lead into an account, a contact and an opportunity (SPEC §3 step 5).

    An existing account or contact, when named, is linked instead of creating one. When new
    records would be created, nothing existing was picked and possible duplicates exist,
    DuplicatesFound lists them unless `ignore_duplicates` confirms "ignore and save".
    """
    with transaction.atomic(using=DB):
        lead = _lead(lead_id)
        _require_decided_in_sales(lead)
        _require_open_lead(lead, _("Only an open lead can be qualified; this lead is %(status)s."))
        account = (
            _existing(Account, "account_number", existing_account_number)
            if existing_account_number
            else None
        )
        contact = (
            _existing(Contact, "contact_number", existing_contact_number)
            if existing_contact_number
            else None
        )
        creates_account = create_account and account is None
        creates_contact = create_contact and contact is None
        picked_existing = account is not None or contact is not None
        if (creates_account or creates_contact) and not picked_existing and not ignore_duplicates:
            candidates = duplicate_candidates(company_name=lead.company_name, email=lead.email)
            if candidates:
                raise DuplicatesFound(candidates)
        _existing_tied_to_lead(account, lead)
        _existing_tied_to_lead(contact, lead)
        if creates_account:
            account = _account_from_lead(lead)
        if creates_contact:
            contact = _contact_from_lead(lead, account)
        opportunity = (
            _opportunity_from_lead(lead, account, contact, owner=actor)
            if create_opportunity
            else None
        )
        lead.account = account
        lead.contact = contact
        lead.qualify(by=actor, reason=_qualification_summary(account, contact, opportunity))
        _save(lead)
    return LeadQualification(lead=lead, account=account, contact=contact, opportunity=opportunity)


def lead_disqualify(*, lead_id: int, status_reason: str, actor: str, description: str = "") -> Lead:
    """Disqualify an open lead from which no opportunity comes."""
    _choice(status_reason, Lead.DISQUALIFY_REASONS, field="status_reason")
    description = _text(description, field="description")
    with transaction.atomic(using=DB):
        lead = _lead(lead_id)
        _require_decided_in_sales(lead)
        _require_open_lead(
            lead, _("Only an open lead can be disqualified; this lead is %(status)s.")
        )
        opportunity = Opportunity.objects.using(DB).filter(originating_lead=lead).first()
        if opportunity is not None:
            raise NotAllowed(
                _(
                    "Opportunity %(number)s comes from this lead, so the lead cannot be "
                    "disqualified. Close the opportunity as lost instead."
                )
                % {"number": opportunity.opportunity_number},
                code="lead_has_opportunity",
            )
        label = str(Lead.StatusReason(status_reason).label)
        lead.disqualify(by=actor, status_reason=status_reason, reason=_reason(label, description))
        _save(lead)
    return lead


def lead_reactivate(*, lead_id: int, actor: str) -> Lead:
    """Reopen a disqualified lead."""
    with transaction.atomic(using=DB):
        lead = _lead(lead_id)
        if lead.status != Lead.Status.DISQUALIFIED:
            raise NotAllowed(
                _("Only a disqualified lead can be reactivated; this lead is %(status)s.")
                % {"status": lead.get_status_display().lower()},
                code="lead_not_disqualified",
            )
        lead.reactivate(by=actor)
        _save(lead)
    return lead


def _note_add(record: Lead | Opportunity, *, text: str, actor: str) -> Note:
    text = _text(text, field="text", required=True, max_length=5000)
    note = Note.objects.using(DB).create(
        text=text, author=actor, **{str(record._meta.model_name): record}
    )
    _save(record)
    return note


def lead_note_add(*, lead_id: int, text: str, actor: str) -> Note:
    with transaction.atomic(using=DB):
        return _note_add(_lead(lead_id), text=text, actor=actor)


# --- opportunities ----------------------------------------------------------------------------


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
    values = _known_fields(values, Opportunity.EDITABLE_FIELD_NAMES)
    if "status_reason" in values:
        _choice(values["status_reason"], Opportunity.OPEN_REASONS, field="status_reason")
    with transaction.atomic(using=DB):
        opportunity = _opportunity(opportunity_id)
        _require_open_opportunity(
            opportunity, _("Only an open opportunity can be changed; %(number)s is %(status)s.")
        )
        if _apply(opportunity, values):
            _save(opportunity)
    return opportunity


def opportunity_note_add(*, opportunity_id: int, text: str, actor: str) -> Note:
    with transaction.atomic(using=DB):
        return _note_add(_opportunity(opportunity_id), text=text, actor=actor)


def _close(opportunity: Opportunity, *, close_date: date, actor: str) -> OpportunityClose:
    """Save the closed opportunity and write its close record."""
    _save(opportunity)
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
    description = _text(description, field="description")
    with transaction.atomic(using=DB):
        opportunity = _opportunity(opportunity_id)
        _require_decided_in_sales(opportunity)
        _require_open_opportunity(
            opportunity, _("Only an open opportunity can be closed; %(number)s is %(status)s.")
        )
        opportunity.close_as_won(
            by=actor,
            actual_revenue=actual_revenue,
            close_date=close_date,
            description=description,
            reason=_reason(_("Won"), description),
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
    _choice(status_reason, Opportunity.LOST_REASONS, field="status_reason")
    close_date = _close_date(close_date)
    description = _text(description, field="description")
    competitor = (competitor or "").strip()
    with transaction.atomic(using=DB):
        opportunity = _opportunity(opportunity_id)
        _require_decided_in_sales(opportunity)
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
            reason=_reason(label, description),
        )
        _close(opportunity, close_date=close_date, actor=actor)
    return opportunity


# --- accounts and contacts --------------------------------------------------------------------


def account_update(*, account_id: int, values: dict) -> Account:
    values = _known_fields(values, Account.EDITABLE_FIELD_NAMES)
    with transaction.atomic(using=DB):
        account = _locked(Account, pk=account_id)
        if _apply(account, values):
            _save(account)
    return account


def contact_update(*, contact_id: int, values: dict) -> Contact:
    values = _known_fields(values, Contact.EDITABLE_FIELD_NAMES)
    with transaction.atomic(using=DB):
        contact = _locked(Contact, pk=contact_id)
        if _apply(contact, values):
            _save(contact)
    return contact


# --- dual-write outcomes ----------------------------------------------------------------------


def lead_close_decided_in_commerce(
    *, prospect_number: str, approved: bool, reason: str, decided_by: str
) -> Lead | None:
    """HQ decided the lead's prospect while the integration was off (SPEC §3 step 9).

    An open lead is closed as "decided in Commerce"; a lead a rep already moved on keeps its
    state, and its timeline says what HQ decided.
    """
    with transaction.atomic(using=DB):
        lead = (
            Lead.objects.using(DB)
            .select_for_update()
            .filter(prospect_number=prospect_number)
            .first()
        )
        if lead is None:
            return None
        verdict = _("approved") if approved else _("rejected")
        text = _("Prospect %(number)s was %(verdict)s in Commerce by %(who)s.") % {
            "number": prospect_number,
            "verdict": verdict,
            "who": decided_by or _("the back office"),
        }
        if reason:
            text = f"{text} {reason}"
        actor = f"{decided_by or 'HQ'} (Commerce) via dual-write"
        if lead.status == Lead.Status.OPEN:
            if approved:
                lead.close_approved_in_commerce(by=actor, reason=text)
            else:
                lead.close_rejected_in_commerce(by=actor, reason=text)
            _save(lead)
        Note.objects.using(DB).create(lead=lead, author=actor, text=text)
    return lead


def decision_sync_error_set(*, lead_id: str, opportunity_number: str, error: str) -> None:
    """Show on the lead or opportunity that Commerce could not apply its decision (§7)."""
    if opportunity_number:
        Opportunity.objects.using(DB).filter(opportunity_number=opportunity_number).update(
            sync_error=error[:4000]
        )
    elif lead_id:
        Lead.objects.using(DB).filter(pk=int(lead_id)).update(sync_error=error[:4000])
