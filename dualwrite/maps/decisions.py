"""lead status → prospects and opportunity status → prospects: Sales decides, Commerce applies.

A decision message carries everything it depends on (SPEC §7): the account and contact of the
opportunity (as the customers maps would carry them), the reason's category and the CRM's
internal reason, and the name of the rep who decided. Commerce upserts the customers and
applies the decision in one transaction, so no decision waits on another map's ordering. A
decision Commerce cannot apply (a win for a prospect that is no longer new) fails loudly: it
stays on the error log and is shown on the prospect and on the Sales record.
"""

from django.utils.translation import gettext_noop

from commerce import selectors as commerce_selectors
from commerce import services as commerce
from dualwrite.models import OutboxMessage
from sales import selectors as sales_selectors
from sales import services as sales

from .base import Direction, InitialSyncStep, Payload, TableMap, Trigger, identity
from .customers import ACCOUNTS_ORGANIZATION_CUSTOMERS, CONTACTS_PERSON_CUSTOMERS
from .people import person_name, via_dualwrite

# The CRM's reasons as HQ keeps them (internal; never in a customer's email).
LEAD_REASONS = {
    "lost": gettext_noop("Lost"),
    "cannot_contact": gettext_noop("Cannot contact"),
    "no_longer_interested": gettext_noop("No longer interested"),
    "canceled": gettext_noop("Canceled"),
}
OPPORTUNITY_REASONS = {
    "canceled": gettext_noop("Opportunity canceled"),
    "out_sold": gettext_noop("Out-sold"),
}
# Reason → the category whose customer-facing line the decline email uses (HQ edits them).
LEAD_CATEGORIES = identity(*LEAD_REASONS)
OPPORTUNITY_CATEGORIES = {"canceled": "opportunity_canceled", "out_sold": "out_sold"}


def _customer(table_map: TableMap, record) -> Payload | None:
    """The record as its customers map carries it to Commerce (Commerce's names)."""
    return None if record is None else table_map.to_payload(record, source="sales")


def _lead_decision(lead, *, by: str = "", **kwargs) -> Payload:
    reason = lead.status_reason
    return {
        "prospect_number": lead.prospect_number,
        "status": lead.status,
        "category": LEAD_CATEGORIES.get(reason, ""),
        "reason": LEAD_REASONS.get(reason, reason),
        "decided_by": person_name(by),
        "lead": str(lead.pk),
        "opportunity": "",
        "account": _customer(ACCOUNTS_ORGANIZATION_CUSTOMERS, lead.account),
        "contact": _customer(CONTACTS_PERSON_CUSTOMERS, lead.contact),
    }


def _opportunity_decision(opportunity, *, by: str = "", **kwargs) -> Payload:
    reason = OPPORTUNITY_REASONS.get(opportunity.status_reason, opportunity.status_reason)
    if opportunity.status == "lost" and opportunity.competitor:
        reason = f"{reason} ({opportunity.competitor})"
    return {
        "prospect_number": opportunity.prospect_number,
        "status": opportunity.status,
        "category": OPPORTUNITY_CATEGORIES.get(opportunity.status_reason, ""),
        "reason": reason if opportunity.status == "lost" else "",
        "decided_by": person_name(by),
        "lead": str(opportunity.originating_lead_id or ""),
        "opportunity": opportunity.opportunity_number,
        "account": _customer(ACCOUNTS_ORGANIZATION_CUSTOMERS, opportunity.account),
        "contact": _customer(CONTACTS_PERSON_CUSTOMERS, opportunity.contact),
    }


def _pending_commerce_fields(table_map: TableMap, key: str) -> set[str]:
    """Fields of a customer changed in Commerce whose change has not reached Sales yet."""
    changed: set[str] = set()
    pending = OutboxMessage.objects.using("commerce").filter(
        map=table_map.code,
        record_key=key,
        state__in=OutboxMessage.UNDELIVERED,
    )
    for payload in pending.values_list("payload", flat=True):
        changed.update(payload.get("changed") or {})
    return changed


def _customer_upsert(table_map: TableMap, carried: Payload | None) -> dict | None:
    """The customer to upsert with the decision: Sales' values, but never over a change made
    in Commerce that Sales has not seen (that one is settled field by field by its map)."""
    if carried is None:
        return None
    key = carried["account_number"]
    keep = _pending_commerce_fields(table_map, key)
    values = {
        name: value
        for name, value in carried.items()
        if name not in ("account_number", "party_type") and name not in keep
    }
    return {"account_number": key, "party_type": carried["party_type"], "values": values}


def _decision_apply(payload: Payload) -> None:
    commerce.prospect_decision_apply(
        prospect_number=payload["prospect_number"],
        decision=payload["status"],
        actor=via_dualwrite(payload["decided_by"], "Sales"),
        reason=payload["reason"],
        category=payload["category"],
        organization=_customer_upsert(ACCOUNTS_ORGANIZATION_CUSTOMERS, payload["account"]),
        person=_customer_upsert(CONTACTS_PERSON_CUSTOMERS, payload["contact"]),
        sales_lead=payload["lead"],
        sales_opportunity=payload["opportunity"],
    )


def _decision_copy(payload: Payload) -> None:
    """Initial sync: decisions made before the map ran, for prospects still undecided."""
    if commerce_selectors.prospect_is_new(prospect_number=payload["prospect_number"]):
        _decision_apply(payload)


def _failure_noted(payload: Payload, error: str) -> None:
    commerce.prospect_sync_error_set(prospect_number=payload["prospect_number"], error=error)
    sales.decision_sync_error_set(
        lead_id=payload["lead"], opportunity_number=payload["opportunity"], error=error
    )


def _failure_cleared(payload: Payload) -> None:
    sales.decision_sync_error_set(
        lead_id=payload["lead"], opportunity_number=payload["opportunity"], error=""
    )


DECISION_FIELDS = identity(
    "prospect_number", "status", "category", "reason", "decided_by", "account", "contact"
)


def _decision_map(
    *, code: str, name: str, model: str, targets: tuple[str, ...], payload, value_maps, records
) -> TableMap:
    """A Sales → Commerce decision map: `model`'s transitions into `targets` decide the
    prospect; the initial sync carries the decisions made before the map ran."""
    return TableMap(
        code=code,
        name=name,
        key="prospect_number",
        field_map=DECISION_FIELDS,
        value_maps=value_maps,
        directions=(Direction("sales", "commerce", _decision_apply),),
        triggers=(
            Trigger(
                model,
                on="transition",
                targets=targets,
                when=lambda record: bool(record.prospect_number),
                payload=payload,
            ),
        ),
        initial_sync=(
            InitialSyncStep(
                "sales",
                records,
                payload=lambda record: payload(record, by=record.owner),
                apply=_decision_copy,
            ),
        ),
        initial_sync_master="sales",
        failure_noted=_failure_noted,
        failure_cleared=_failure_cleared,
    )


# disqualified → reject(reason); reactivated (→ open) → reopen the prospect it rejected.
LEAD_STATUS_TO_PROSPECTS = _decision_map(
    code="lead_status_to_prospects",
    name=gettext_noop("Lead status → prospects"),
    model="sales.Lead",
    targets=("disqualified", "open"),
    payload=_lead_decision,
    value_maps={"category": LEAD_CATEGORIES, "reason": LEAD_REASONS},
    records=lambda: sales_selectors.leads_from_commerce(status="disqualified"),
)

# won → approve with the opportunity's account and contact; lost → reject(reason).
OPPORTUNITY_STATUS_TO_PROSPECTS = _decision_map(
    code="opportunity_status_to_prospects",
    name=gettext_noop("Opportunity status → prospects"),
    model="sales.Opportunity",
    targets=("won", "lost"),
    payload=_opportunity_decision,
    value_maps={"category": OPPORTUNITY_CATEGORIES, "reason": OPPORTUNITY_REASONS},
    records=lambda: sales_selectors.opportunities_from_commerce(statuses=["won", "lost"]),
)
