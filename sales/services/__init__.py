"""Sales actions: each one transaction in `sales` that bumps the changed record's version.

Dual-write learns of changes from the django-fsm `post_transition` and `post_save` signals of
these records, so every change is saved with `.save()` inside the service's transaction, and a
transition sets its status reason (and figures) on the instance before the signal is sent.
One module a subject; every service is importable from here.
"""

from ._shared import number_sequence_take
from .integration import (
    account_upsert_from_commerce,
    accounts_upsert_from_commerce_many,
    contact_upsert_from_commerce,
    contacts_upsert_from_commerce_many,
    decision_sync_error_set,
    lead_close_decided_in_commerce,
    leads_upsert_from_commerce,
)
from .leads import (
    DuplicatesFound,
    LeadQualification,
    lead_create,
    lead_disqualify,
    lead_note_add,
    lead_qualify,
    lead_reactivate,
    lead_update,
)
from .opportunities import (
    opportunity_close_as_lost,
    opportunity_close_as_won,
    opportunity_note_add,
    opportunity_update,
)
from .records import account_update, contact_update

__all__ = [
    "DuplicatesFound",
    "LeadQualification",
    "account_update",
    "account_upsert_from_commerce",
    "accounts_upsert_from_commerce_many",
    "contact_update",
    "contact_upsert_from_commerce",
    "contacts_upsert_from_commerce_many",
    "decision_sync_error_set",
    "lead_close_decided_in_commerce",
    "lead_create",
    "lead_disqualify",
    "lead_note_add",
    "lead_qualify",
    "lead_reactivate",
    "lead_update",
    "leads_upsert_from_commerce",
    "number_sequence_take",
    "opportunity_close_as_lost",
    "opportunity_close_as_won",
    "opportunity_note_add",
    "opportunity_update",
]
