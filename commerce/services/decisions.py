"""Decisions made in Sales, applied in HQ with the customers they depend on (SPEC §7)."""

from django.db import transaction
from django.utils.translation import gettext as _

from commerce.models import Prospect
from core.errors import NotAllowed, ServiceError

from .approval import prospect_approve
from .common import DB
from .customers import customer_upsert
from .prospects import prospect_reject, prospect_reopen


def prospect_decision_apply(
    *,
    prospect_number: str,
    decision: str,
    actor: str,
    reason: str = "",
    category: str = "",
    organization: dict | None = None,
    person: dict | None = None,
    sales_lead: str = "",
    sales_opportunity: str = "",
) -> Prospect:
    """A decision made in Sales, with the customers it depends on, in one transaction (§7).

    `organization` and `person` are `{"account_number", "party_type", "values"}` of the
    account and contact; `decision` is won, lost, disqualified or open (reactivated).
    """
    links = {"sales_lead": sales_lead, "sales_opportunity": sales_opportunity}
    with transaction.atomic(using=DB):
        customers = [
            customer_upsert(**customer) if customer else None for customer in (organization, person)
        ]
        if decision == "won":
            org, requester = customers
            if org is None or requester is None:
                raise NotAllowed(
                    _(
                        "The won opportunity of prospect %(number)s has no account or no "
                        "contact, so Commerce cannot build the partner's customers."
                    )
                    % {"number": prospect_number},
                    code="customers_missing",
                )
            return prospect_approve(
                prospect_number=prospect_number,
                actor=actor,
                decided_in_sales=True,
                organization=org.account_number,
                person=requester.account_number,
                **links,
            )
        if decision in ("lost", "disqualified"):
            return prospect_reject(
                prospect_number=prospect_number,
                reason=reason,
                actor=actor,
                category=category,
                decided_in_sales=True,
                **links,
            )
        if decision == "open":
            return prospect_reopen(
                prospect_number=prospect_number, actor=actor, sales_lead=sales_lead
            )
        raise ServiceError(f"Unknown decision {decision!r}", code="unknown_decision")
