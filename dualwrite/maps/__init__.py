"""The table maps of the Commerce solution (SPEC §7): one module per family, this registry.

Each map is a declaration (`base.TableMap`): direction(s), key, field map, value maps,
conflict rule and triggers. Maps read and write each side only through its public selectors
and services.
"""

from .base import INTEGRATION_ACTOR, Direction, InitialSyncStep, Payload, TableMap, Trigger
from .customers import ACCOUNTS_ORGANIZATION_CUSTOMERS, CONTACTS_PERSON_CUSTOMERS
from .decisions import LEAD_STATUS_TO_PROSPECTS, OPPORTUNITY_STATUS_TO_PROSPECTS
from .prospects import PROSPECTS_TO_LEADS

MAPS: dict[str, TableMap] = {
    m.code: m
    for m in (
        PROSPECTS_TO_LEADS,
        LEAD_STATUS_TO_PROSPECTS,
        OPPORTUNITY_STATUS_TO_PROSPECTS,
        ACCOUNTS_ORGANIZATION_CUSTOMERS,
        CONTACTS_PERSON_CUSTOMERS,
    )
}


def source_aliases() -> list[str]:
    """The databases whose outboxes carry messages, each served by its own relay."""
    return sorted({d.source for m in MAPS.values() for d in m.directions})


__all__ = [
    "ACCOUNTS_ORGANIZATION_CUSTOMERS",
    "CONTACTS_PERSON_CUSTOMERS",
    "INTEGRATION_ACTOR",
    "LEAD_STATUS_TO_PROSPECTS",
    "MAPS",
    "OPPORTUNITY_STATUS_TO_PROSPECTS",
    "PROSPECTS_TO_LEADS",
    "Direction",
    "InitialSyncStep",
    "Payload",
    "TableMap",
    "Trigger",
    "source_aliases",
]
