"""What dual-write calls in Sales: leads from prospects, accounts and contacts from customers,
and the outcomes of decisions made or refused in Commerce."""

import functools
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.models import defaulted_fields
from core.postgres import rows_copy
from core.upserts import Upserted, locked_or_created, records_upsert

from ..models import Account, Contact, Lead, Note, Opportunity
from ..models.records import Mirrored
from ._shared import DB, apply_values, known_fields, locked, validated_save

CREATED_NOTE = gettext_noop("Created by dual-write from Commerce prospect %(number)s.")


@functools.lru_cache(maxsize=32)
def _topic_format(language: str) -> str:
    # Catalogs do not change while a process runs; a relay batch switches language once.
    with translation.override(language):
        return _("B2B partner request: %(company)s")


def _topic(values: dict) -> str:
    """A new lead's topic, in the requester's language like the rest of what they wrote."""
    language = values.get("language") or settings.LANGUAGE_CODE
    return _topic_format(language) % {"company": values.get("company_name", "")}


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
        known_fields(values, Lead.PARTY_FIELD_NAMES)
    with transaction.atomic(using=DB):
        existing = {
            lead.prospect_number: lead
            for lead in Lead.objects.using(DB)
            .select_for_update()
            .filter(prospect_number__in=list(values_by_prospect))
        }
        leads, created = [], []
        integration = {
            "owner": settings.SALES_INTEGRATION_USER,
            "lead_source": Lead.Source.B2B_COMMERCE,
            "created_by_integration": True,
        }
        given = {name for values in values_by_prospect.values() for name in values}
        defaulted = defaulted_fields(Lead, {"prospect_number", "topic", *integration, *given})
        for number, values in values_by_prospect.items():
            lead = existing.get(number)
            if lead is None:
                lead = Lead(prospect_number=number, topic=_topic(values), **integration, **values)
                # Looked up under lock just now; the unique constraint guards a race.
                lead.full_clean(exclude=defaulted, validate_unique=False)
                created.append(lead)
            elif lead.status == Lead.Status.OPEN and apply_values(lead, values):
                validated_save(lead)
            leads.append(lead)
        Lead.objects.using(DB).bulk_create(created)
        rows_copy(
            [
                Note(
                    lead=lead,
                    author=actor,
                    text=CREATED_NOTE % {"number": lead.prospect_number},
                    system_message=CREATED_NOTE,
                    system_values={"number": lead.prospect_number},
                )
                for lead in created
            ],
            using=DB,
            ids=False,
        )
    return leads


UpsertedT = TypeVar("UpsertedT", Account, Contact)


def _upsert_by_key(model: type[UpsertedT], *, key: dict, values: dict) -> UpsertedT:
    def create() -> UpsertedT:
        record = model(**key, **values)
        validated_save(record)
        return record

    record, created = locked_or_created(
        model._default_manager.using(DB).filter(**key), create, using=DB
    )
    if not created and apply_values(record, values):
        validated_save(record)
    return record


def account_upsert_from_commerce(
    *, account_number: str, values: dict, prospect_number: str = ""
) -> Account:
    """Create or update the account with this number from a Commerce organization customer."""
    values = dict(known_fields(values, Account.EDITABLE_FIELD_NAMES))
    if prospect_number:
        values["prospect_number"] = prospect_number
    with transaction.atomic(using=DB):
        return _upsert_by_key(Account, key={"account_number": account_number}, values=values)


def _mirrored_upsert_many(
    model: type[Account] | type[Contact], *, key: str, values_by_key: dict[str, dict]
) -> Upserted:
    allowed = (*model.EDITABLE_FIELD_NAMES, "prospect_number")
    rows = {}
    for number, values in values_by_key.items():
        values = dict(known_fields(values, allowed))
        if not values.get("prospect_number"):
            values.pop("prospect_number", None)  # as one by one: an empty one changes nothing
        rows[number] = values

    def prepare(record: Mirrored) -> None:
        record.derived_fields_set()
        record.full_clean(validate_unique=False)

    with transaction.atomic(using=DB):
        return records_upsert(
            model.objects.using(DB),
            key=key,
            rows=rows,
            prepare=prepare,
            derived=model.DERIVED_FIELD_NAMES,
        )


def accounts_upsert_from_commerce_many(*, values_by_account: dict[str, dict]) -> Upserted:
    """Create or update many accounts from Commerce organization customers at once.

    The bulk form of `account_upsert_from_commerce` (dual-write's initial sync): one read of
    the existing accounts, one insert of the new ones, one update of those that differ.
    """
    return _mirrored_upsert_many(Account, key="account_number", values_by_key=values_by_account)


def contacts_upsert_from_commerce_many(*, values_by_contact: dict[str, dict]) -> Upserted:
    """Create or update many contacts from Commerce person customers at once (see accounts)."""
    return _mirrored_upsert_many(Contact, key="contact_number", values_by_key=values_by_contact)


def contact_upsert_from_commerce(
    *, contact_number: str, values: dict, account_number: str = "", prospect_number: str = ""
) -> Contact:
    """Create or update the contact with this number from a Commerce person customer.

    With `account_number`, the contact is attached to that account, which must exist already
    (NotFound otherwise, so dual-write retries once the account has arrived).
    """
    values = dict(known_fields(values, Contact.EDITABLE_FIELD_NAMES))
    if prospect_number:
        values["prospect_number"] = prospect_number
    with transaction.atomic(using=DB):
        if account_number:
            values["account_id"] = locked(Account, account_number=account_number).pk
        return _upsert_by_key(Contact, key={"contact_number": contact_number}, values=values)


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
            validated_save(lead)
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
