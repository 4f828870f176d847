"""Leads in Sales: a rep creates, changes, qualifies, disqualifies and reactivates them."""

from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import NotAllowed

from ..models import Account, Contact, Lead, Note, Opportunity
from ..selectors import DuplicateCandidate, duplicate_candidates
from ._shared import (
    DB,
    apply_values,
    check_choice,
    clean_text,
    known_fields,
    locked,
    note_add,
    number_sequence_take,
    require_decided_in_sales,
    transition_reason,
    validated_save,
)


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


LEAD_CREATE_FIELD_NAMES = ("lead_source", *Lead.EDITABLE_FIELD_NAMES)


def lead_create(*, values: dict, actor: str) -> Lead:
    """A lead entered by a rep, who owns it. B2B commerce leads come only from dual-write."""
    values = known_fields(values, LEAD_CREATE_FIELD_NAMES)
    lead_sources = tuple(s for s in Lead.Source.values if s != Lead.Source.B2B_COMMERCE)
    check_choice(values.get("lead_source", Lead.Source.OTHER), lead_sources, field="lead_source")
    check_choice(
        values.get("status_reason", Lead.StatusReason.NEW), Lead.OPEN_REASONS, field="status_reason"
    )
    with transaction.atomic(using=DB):
        lead = Lead(owner=actor, **values)
        validated_save(lead)
    return lead


def _require_open_lead(lead: Lead, refusal: str) -> None:
    """`refusal` is the whole translated sentence, with a %(status)s placeholder."""
    if lead.status != Lead.Status.OPEN:
        raise NotAllowed(
            refusal % {"status": lead.get_status_display().lower()}, code="lead_not_open"
        )


def lead_update(*, lead_id: int, values: dict) -> Lead:
    """Change the topic, status reason (new/contacted) or party fields of an open lead."""
    values = known_fields(values, Lead.EDITABLE_FIELD_NAMES)
    if "status_reason" in values:
        check_choice(values["status_reason"], Lead.OPEN_REASONS, field="status_reason")
    with transaction.atomic(using=DB):
        lead = locked(Lead, pk=lead_id)
        _require_open_lead(lead, _("Only an open lead can be changed; this lead is %(status)s."))
        if apply_values(lead, values):
            validated_save(lead)
    return lead


def _account_from_lead(lead: Lead) -> Account:
    (number,) = number_sequence_take(code="account")
    account = Account(
        account_number=number,
        name=lead.company_name,
        prospect_number=lead.prospect_number or "",
        **{name: getattr(lead, name) for name in Account.EDITABLE_FIELD_NAMES if name != "name"},
    )
    validated_save(account)
    return account


def _contact_from_lead(lead: Lead, account: Account | None) -> Contact:
    (number,) = number_sequence_take(code="contact")
    contact = Contact(
        contact_number=number,
        account=account,
        prospect_number=lead.prospect_number or "",
        **{name: getattr(lead, name) for name in Contact.EDITABLE_FIELD_NAMES},
    )
    validated_save(contact)
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
    validated_save(opportunity)
    # Notes carry over (SPEC §3 step 5): copies keep their author and time.
    Note.objects.using(DB).bulk_create(
        Note(
            text=note.text,
            author=note.author,
            created_at=note.created_at,
            system_message=note.system_message,
            system_values=note.system_values,
            opportunity=opportunity,
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
        validated_save(record)


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
        lead = locked(Lead, pk=lead_id)
        require_decided_in_sales(lead)
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
        validated_save(lead)
    return LeadQualification(lead=lead, account=account, contact=contact, opportunity=opportunity)


def lead_disqualify(*, lead_id: int, status_reason: str, actor: str, description: str = "") -> Lead:
    """Disqualify an open lead from which no opportunity comes."""
    check_choice(status_reason, Lead.DISQUALIFY_REASONS, field="status_reason")
    description = clean_text(description, field="description")
    with transaction.atomic(using=DB):
        lead = locked(Lead, pk=lead_id)
        require_decided_in_sales(lead)
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
        lead.disqualify(
            by=actor, status_reason=status_reason, reason=transition_reason(label, description)
        )
        validated_save(lead)
    return lead


def lead_reactivate(*, lead_id: int, actor: str) -> Lead:
    """Reopen a disqualified lead."""
    with transaction.atomic(using=DB):
        lead = locked(Lead, pk=lead_id)
        if lead.status != Lead.Status.DISQUALIFIED:
            raise NotAllowed(
                _("Only a disqualified lead can be reactivated; this lead is %(status)s.")
                % {"status": lead.get_status_display().lower()},
                code="lead_not_disqualified",
            )
        lead.reactivate(by=actor)
        validated_save(lead)
    return lead


def lead_note_add(*, lead_id: int, text: str, actor: str) -> Note:
    with transaction.atomic(using=DB):
        return note_add(locked(Lead, pk=lead_id), text=text, actor=actor)
