"""prospects → leads: a new prospect becomes a lead; a prospect decided in HQ (integration off)
closes its lead as "decided in Commerce" once the integration is on (SPEC §3 step 9)."""

from django.utils.translation import gettext_noop

from commerce import selectors as commerce_selectors
from core.models import PARTY_FIELD_NAMES
from sales import services as sales

from .base import (
    INTEGRATION_ACTOR,
    Direction,
    InitialSyncStep,
    Payload,
    TableMap,
    Trigger,
    identity,
)
from .people import person_name


def _prospect_decided(prospect, *, by: str = "", **kwargs) -> Payload:
    return {
        "prospect_number": prospect.prospect_number,
        "status": prospect.status,
        "reason": prospect.status_reason,
        "decided_by": person_name(by),
    }


def _leads_from_prospects(payloads: list[Payload]) -> None:
    """New prospects become leads together; decided ones close their lead."""
    new = {
        payload["prospect_number"]: {name: payload[name] for name in PARTY_FIELD_NAMES}
        for payload in payloads
        if "status" not in payload
    }
    if new:
        sales.leads_upsert_from_commerce(values_by_prospect=new, actor=INTEGRATION_ACTOR)
    for payload in payloads:
        if "status" in payload:
            sales.lead_close_decided_in_commerce(
                prospect_number=payload["prospect_number"],
                approved=payload["status"] == "approved",
                reason=payload["reason"],
                decided_by=payload["decided_by"],
            )


def _lead_from_prospect(payload: Payload) -> None:
    _leads_from_prospects([payload])


PROSPECTS_TO_LEADS = TableMap(
    code="prospects_to_leads",
    name=gettext_noop("Prospects → leads"),
    key="prospect_number",
    field_map=identity("prospect_number", *PARTY_FIELD_NAMES),
    directions=(
        Direction("commerce", "sales", _lead_from_prospect, apply_many=_leads_from_prospects),
    ),
    triggers=(
        Trigger("commerce.Prospect", on="create"),
        # Only HQ's own decisions travel: those dual-write applies from Sales do not echo.
        Trigger(
            "commerce.Prospect",
            on="transition",
            targets=("approved", "rejected"),
            payload=_prospect_decided,
        ),
    ),
    # Prospects that predate the integration and are still undecided get their lead.
    initial_sync=(
        InitialSyncStep("commerce", lambda: commerce_selectors.prospect_list(status="new")),
    ),
    initial_sync_master="commerce",
)
