"""Sales (CRM): leads, accounts, contacts, opportunities and their timeline (SPEC §4, §5).

One module a subject; every model is importable from here.
"""

from .base import AddressFields, NumberSequence, TransitionLog
from .leads import Lead
from .notes import Note
from .opportunities import Opportunity, OpportunityClose
from .records import Account, Contact

__all__ = [
    "Account",
    "AddressFields",
    "Contact",
    "Lead",
    "Note",
    "NumberSequence",
    "Opportunity",
    "OpportunityClose",
    "TransitionLog",
]
