"""The table maps of SPEC §7, each declared in one place.

A map names its direction(s), the key that identifies a record, the field map and its value
maps. `to_payload` turns a source record into the message payload; a direction's `apply`
writes a payload on the target side through that side's public services. Only dual-write
knows both Commerce and Sales.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from commerce import services as commerce
from commerce.models import Customer, Prospect
from sales import services as sales
from sales.models import Account, Contact, Lead, Opportunity

INTEGRATION_ACTOR = "dual-write"


@dataclass(frozen=True)
class Direction:
    source: str  # database alias the outbox rows live in
    target: str  # database alias the payload is applied to
    apply: Callable[[dict[str, Any]], None]
    # Applies many payloads at once (a relay batch), where the target has a service for it.
    apply_many: Callable[[list[dict[str, Any]]], None] | None = None
    forward: bool = True  # forward: field map's left side → right side
    constants: dict[str, str] = field(default_factory=dict)
    # Two-way maps: finds the target record by key, to compare versions (conflicts).
    target_record: Callable[[str], Any] | None = None


@dataclass(frozen=True)
class InitialSyncStep:
    """Copies what exists on `source` when a map is enabled, batch by batch in key order.

    `records` returns the source queryset; with `target_keys` set, records whose key already
    exists on the target are left alone (the other side is the master for key conflicts).
    """

    source: str
    records: Callable[[], QuerySet]
    target_keys: Callable[[list[str]], set[str]] | None = None


@dataclass(frozen=True)
class TableMap:
    """`field_map` pairs a field of one side (left) with a field of the other (right).

    Sales is the left side of the two-way maps; a payload always carries the target's names.
    """

    code: str
    name: str
    key: str
    field_map: dict[str, str]
    directions: tuple[Direction, ...]
    initial_sync: tuple[InitialSyncStep, ...]
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    initial_sync_master: str = ""
    # Who wins when both sides changed a record between syncs: a side's alias, or "newest".
    conflict_rule: str = ""
    # Maps whose earlier, undelivered messages about the same prospect (payload
    # `prospect_number`) hold this map's messages back, as earlier changes to its own record do.
    waits_for: tuple[str, ...] = ()

    def direction_from(self, source: str) -> Direction:
        return next(d for d in self.directions if d.source == source)

    def to_payload(self, record: Any, *, source: str) -> dict[str, Any]:
        direction = self.direction_from(source)
        pairs = (
            self.field_map.items()
            if direction.forward
            else ((right, left) for left, right in self.field_map.items())
        )
        payload = {target: _plain(getattr(record, src)) for src, target in pairs}
        if direction.forward:
            for name, values in self.value_maps.items():
                payload[name] = values.get(payload[name], payload[name])
        return {**payload, **direction.constants}

    def record_key(self, record: Any, *, source: str) -> str:
        direction = self.direction_from(source)
        return str(getattr(record, self.key if direction.forward else self.field_map[self.key]))


def _plain(value: Any) -> Any:
    """Payloads are JSON: countries, decimals and dates travel as strings."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _identity(*names: str) -> dict[str, str]:
    return {name: name for name in names}


PARTY_FIELDS = Prospect.PARTY_FIELD_NAMES
ADDRESS_FIELDS = ("street", "city", "state", "postal_code", "country")

# --- prospects → leads ------------------------------------------------------------------------


def _leads_from_prospects(payloads: list[dict[str, Any]]) -> None:
    sales.leads_upsert_from_commerce(
        values_by_prospect={
            payload["prospect_number"]: {name: payload[name] for name in PARTY_FIELDS}
            for payload in payloads
        },
        actor=INTEGRATION_ACTOR,
    )


def _lead_from_prospect(payload: dict[str, Any]) -> None:
    _leads_from_prospects([payload])


PROSPECTS_TO_LEADS = TableMap(
    code="prospects_to_leads",
    name="Prospects → leads",
    key="prospect_number",
    field_map=_identity("prospect_number", *PARTY_FIELDS),
    directions=(
        Direction("commerce", "sales", _lead_from_prospect, apply_many=_leads_from_prospects),
    ),
    # Prospects that predate the integration and are still undecided get their lead.
    initial_sync=(
        InitialSyncStep(
            "commerce",
            lambda: Prospect.objects.using("commerce").filter(status=Prospect.Status.NEW),
        ),
    ),
    initial_sync_master="commerce",
)

# --- lead status → prospects ------------------------------------------------------------------

# Lead status reasons (§4) → the rejection reason recorded on the prospect.
LEAD_REASONS = {
    "lost": gettext_noop("Lost"),
    "cannot_contact": gettext_noop("Cannot contact"),
    "no_longer_interested": gettext_noop("No longer interested"),
    "canceled": gettext_noop("Canceled"),
}


def _prospect_decision_pending(prospect_number: str) -> bool:
    """A decision that already reached the prospect is not applied twice."""
    return (
        Prospect.objects.using("commerce")
        .filter(prospect_number=prospect_number, status=Prospect.Status.NEW)
        .exists()
    )


def _prospect_from_lead_status(payload: dict[str, Any]) -> None:
    if payload["status"] != "disqualified" or not _prospect_decision_pending(
        payload["prospect_number"]
    ):
        return
    commerce.prospect_reject(
        prospect_number=payload["prospect_number"],
        reason=payload["status_reason"],
        actor=INTEGRATION_ACTOR,
        decided_in_sales=True,
    )


LEAD_STATUS_TO_PROSPECTS = TableMap(
    code="lead_status_to_prospects",
    name="Lead status → prospects",
    key="prospect_number",
    field_map=_identity("prospect_number", "status", "status_reason"),
    value_maps={"status_reason": LEAD_REASONS},
    directions=(Direction("sales", "commerce", _prospect_from_lead_status),),
    initial_sync=(
        InitialSyncStep(
            "sales",
            lambda: (
                Lead.objects.using("sales")
                .filter(status=Lead.Status.DISQUALIFIED)
                .exclude(prospect_number=None)
            ),
        ),
    ),
    initial_sync_master="sales",
)

# --- opportunity status → prospects -----------------------------------------------------------

OPPORTUNITY_REASONS = {
    "canceled": gettext_noop("Opportunity canceled"),
    "out_sold": gettext_noop("Out-sold"),
}


def _prospect_from_opportunity_status(payload: dict[str, Any]) -> None:
    number = payload["prospect_number"]
    if not _prospect_decision_pending(number):
        return
    if payload["status"] == "won":
        commerce.prospect_approve(
            prospect_number=number, actor=INTEGRATION_ACTOR, decided_in_sales=True
        )
    elif payload["status"] == "lost":
        reason = payload["status_reason"]
        if payload.get("competitor"):
            reason = f"{reason} ({payload['competitor']})"
        commerce.prospect_reject(
            prospect_number=number, reason=reason, actor=INTEGRATION_ACTOR, decided_in_sales=True
        )


OPPORTUNITY_STATUS_TO_PROSPECTS = TableMap(
    code="opportunity_status_to_prospects",
    name="Opportunity status → prospects",
    key="prospect_number",
    field_map=_identity("prospect_number", "status", "status_reason", "competitor"),
    value_maps={"status_reason": OPPORTUNITY_REASONS},
    directions=(Direction("sales", "commerce", _prospect_from_opportunity_status),),
    # Approval reuses the customers dual-write makes from the opportunity's account and contact
    # (SPEC §8); applied before them, it would make customers of its own, and they a second pair.
    waits_for=("accounts_organization_customers", "contacts_person_customers"),
    initial_sync=(
        InitialSyncStep(
            "sales",
            lambda: (
                Opportunity.objects.using("sales")
                .filter(status__in=[Opportunity.Status.WON, Opportunity.Status.LOST])
                .exclude(prospect_number="")
            ),
        ),
    ),
    initial_sync_master="sales",
)

# --- accounts ⇄ organization customers --------------------------------------------------------


def _customers(party_type: str) -> QuerySet:
    return Customer.objects.using("commerce").filter(party_type=party_type)


def _customer(key: str) -> Customer | None:
    return Customer.objects.using("commerce").filter(account_number=key).first()


def _customer_keys(keys: list[str]) -> set[str]:
    return set(
        Customer.objects.using("commerce")
        .filter(account_number__in=keys)
        .values_list("account_number", flat=True)
    )


ACCOUNT_FIELDS = _identity(
    "account_number",
    "name",
    "email",
    "phone",
    "website",
    "tax_id",
    "language",
    "prospect_number",
    *ADDRESS_FIELDS,
)


def _customer_from_sales(payload: dict[str, Any]) -> None:
    values = {k: v for k, v in payload.items() if k not in ("account_number", "party_type")}
    if payload["party_type"] == Customer.PartyType.PERSON:
        values["name"] = f"{values['first_name']} {values['last_name']}".strip()
    commerce.customer_upsert(
        account_number=payload["account_number"], party_type=payload["party_type"], values=values
    )


def _account_from_customer(payload: dict[str, Any]) -> None:
    values = dict(payload)
    sales.account_upsert_from_commerce(
        account_number=values.pop("account_number"),
        prospect_number=values.pop("prospect_number"),
        values=values,
    )


ACCOUNTS_ORGANIZATION_CUSTOMERS = TableMap(
    code="accounts_organization_customers",
    name="Accounts ⇄ organization customers",
    key="account_number",
    field_map=ACCOUNT_FIELDS,
    directions=(
        Direction(
            "sales",
            "commerce",
            _customer_from_sales,
            constants={"party_type": Customer.PartyType.ORGANIZATION},
            target_record=lambda key: _customer(key),
        ),
        Direction(
            "commerce",
            "sales",
            _account_from_customer,
            forward=False,
            target_record=lambda key: (
                Account.objects.using("sales").filter(account_number=key).first()
            ),
        ),
    ),
    conflict_rule="commerce",
    # Commerce is the master: its customers overwrite accounts with the same number; accounts
    # unknown to Commerce are added there.
    initial_sync=(
        InitialSyncStep("commerce", lambda: _customers(Customer.PartyType.ORGANIZATION)),
        InitialSyncStep(
            "sales",
            lambda: Account.objects.using("sales").all(),
            target_keys=lambda keys: _customer_keys(keys),
        ),
    ),
    initial_sync_master="commerce",
)

# --- contacts ⇄ person customers --------------------------------------------------------------

CONTACT_FIELDS = {
    "contact_number": "account_number",
    **_identity(
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "language",
        "prospect_number",
        *ADDRESS_FIELDS,
    ),
}


def _contact_from_customer(payload: dict[str, Any]) -> None:
    values = dict(payload)
    sales.contact_upsert_from_commerce(
        contact_number=values.pop("contact_number"),
        prospect_number=values.pop("prospect_number"),
        values=values,
    )


CONTACTS_PERSON_CUSTOMERS = TableMap(
    code="contacts_person_customers",
    name="Contacts ⇄ person customers",
    key="contact_number",
    field_map=CONTACT_FIELDS,
    directions=(
        Direction(
            "sales",
            "commerce",
            _customer_from_sales,
            constants={"party_type": Customer.PartyType.PERSON},
            target_record=lambda key: _customer(key),
        ),
        Direction(
            "commerce",
            "sales",
            _contact_from_customer,
            forward=False,
            target_record=lambda key: (
                Contact.objects.using("sales").filter(contact_number=key).first()
            ),
        ),
    ),
    conflict_rule="newest",
    initial_sync=(
        InitialSyncStep("commerce", lambda: _customers(Customer.PartyType.PERSON)),
        InitialSyncStep(
            "sales",
            lambda: Contact.objects.using("sales").all(),
            target_keys=lambda keys: _customer_keys(keys),
        ),
    ),
    initial_sync_master="commerce",
)

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
