"""1010 Customers: copy customers, hierarchies and partner users from HQ to the channel, and
report what became of the site's orders.

The copy is what lets partner users sign in on the B2B site (SPEC §6); a pending member
becomes active once copied.
"""

import uuid

from django.db import models, transaction
from django.utils import timezone

from commerce.channel.models import (
    ChannelCustomer,
    ChannelHierarchy,
    ChannelHierarchyMember,
    Order,
    PartnerUserRequest,
)
from commerce.models import ChannelRequest, Customer, HierarchyMember, JobRun, SalesOrder
from core.fsm import transition_logs_batched

from .runner import run_alive

CHANNEL_DB = "channel"
DB = "commerce"


def _customer_copy(customer: Customer) -> dict:
    return {
        "party_type": customer.party_type,
        "name": customer.name,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "language": customer.language,
        "credit_limit": customer.credit_limit,
        "credit_limit_type": customer.credit_limit_type,
        "balance": customer.balance,
        "available_credit": customer.available_credit,
        "currency": customer.currency,
        "blocked": customer.blocked,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": str(customer.country or ""),
    }


def copies_write(model: type[models.Model], key: tuple[str, ...], copies: dict) -> list:
    """Create or update channel rows so they hold `copies` ({key values: field values}).

    Only rows that differ are written, so a run with nothing new writes nothing. Returns the
    rows written.
    """
    first = key[0]
    existing = {
        tuple(getattr(row, name) for name in key): row
        for row in model._default_manager.using(CHANNEL_DB).filter(
            **{f"{first}__in": {values[0] for values in copies}}
        )
    }
    now = timezone.now()
    created, changed = [], []
    for key_values, values in copies.items():
        row = existing.get(key_values)
        if row is None:
            created.append(model(**dict(zip(key, key_values, strict=True)), **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.copied_at = now  # type: ignore[attr-defined]
            changed.append(row)
    model._default_manager.using(CHANNEL_DB).bulk_create(created)
    if changed:
        fields = [*next(iter(copies.values())), "copied_at"]
        model._default_manager.using(CHANNEL_DB).bulk_update(changed, fields)
    return created + changed


def _members_download(last_id: int, batch_size: int, actor: str) -> tuple[list, int]:
    """Copy the next batch of members with their hierarchies, organizations and persons.

    The batch stays locked in HQ until its copy is committed in the channel, so a change made
    meanwhile waits and is copied by the run its commit kicks, never overwritten by this one.
    Pending members become active; the channel commits first, so a failed HQ commit leaves
    them pending there and the next run activates them again.
    """
    with transaction.atomic(using=DB):
        batch = list(
            HierarchyMember.objects.using(DB)
            .select_for_update(of=("self",))
            .select_related("customer", "hierarchy__organization")
            .filter(pk__gt=last_id)
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return batch, 0
        activated = [m for m in batch if m.status == HierarchyMember.Status.PENDING]
        for member in activated:
            member.activate(by=actor)
        HierarchyMember.objects.using(DB).bulk_update(activated, ["status"])
        customers, hierarchies, members = {}, {}, {}
        for member in batch:
            hierarchy = member.hierarchy
            for customer in (hierarchy.organization, member.customer):
                customers[(customer.account_number,)] = _customer_copy(customer)
            hierarchies[(hierarchy.hierarchy_id,)] = {
                "name": hierarchy.name,
                "organization_id": hierarchy.organization.account_number,
            }
            members[(hierarchy.hierarchy_id, member.customer.account_number)] = {
                "role": member.role,
                "spending_limit": member.spending_limit,
                "monthly_spending_limit": member.monthly_spending_limit,
                "status": member.status,
            }
        with transaction.atomic(using=CHANNEL_DB):
            written = copies_write(ChannelCustomer, ("account_number",), customers)
            written += copies_write(ChannelHierarchy, ("hierarchy_id",), hierarchies)
            written += copies_write(
                ChannelHierarchyMember, ("hierarchy_id", "customer_id"), members
            )
    return batch, len(written)


def _partner_user_request_outcomes(batch_size: int) -> dict[uuid.UUID, tuple[str, str]]:
    """HQ's verdict on uploaded partner-user requests: {request id: (state, error)}."""
    waiting = list(
        PartnerUserRequest.objects.using(CHANNEL_DB)
        .filter(status__in=[PartnerUserRequest.Status.UPLOADED, PartnerUserRequest.Status.FAILED])
        .values_list("request_id", flat=True)
    )
    outcomes: dict[uuid.UUID, tuple[str, str]] = {}
    for start in range(0, len(waiting), batch_size):
        outcomes.update(
            (request_id, (state, error))
            for request_id, state, error in ChannelRequest.objects.using(DB)
            .filter(
                request_id__in=waiting[start : start + batch_size],
                state__in=[ChannelRequest.State.PROCESSED, ChannelRequest.State.FAILED],
            )
            .values_list("request_id", "state", "error")
        )
    return outcomes


def _partner_user_requests_complete(outcomes: dict, actor: str) -> int:
    with transaction.atomic(using=CHANNEL_DB):
        requests = list(
            PartnerUserRequest.objects.using(CHANNEL_DB)
            .select_for_update()
            .filter(request_id__in=list(outcomes))
        )
        completed = []
        for request in requests:
            state, error = outcomes[request.request_id]
            if state == ChannelRequest.State.PROCESSED:
                if request.status == PartnerUserRequest.Status.APPLIED:
                    continue
                request.mark_applied(by=actor)
            elif request.status == PartnerUserRequest.Status.UPLOADED:
                request.mark_failed(by=actor, reason=error)
            else:
                continue
            request.completed_at = timezone.now()
            completed.append(request)
        PartnerUserRequest.objects.using(CHANNEL_DB).bulk_update(
            completed, ["status", "error", "completed_at"]
        )
    return len(completed)


def _sales_orders_report(batch_size: int, actor: str) -> int:
    """Tell the site what became of its orders in HQ: the sales order's number, and its
    confirmation or cancellation (SPEC §13). Only sales orders changed since the last report
    are read; each is marked reported in the transaction that read it, after the site's commit,
    so a failure reports it again rather than never."""
    reported = 0
    while True:
        with transaction.atomic(using=DB):
            batch = list(
                SalesOrder.objects.using(DB)
                .select_for_update(skip_locked=True)
                .filter(reported=False)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return reported
            by_order = {sales_order.channel_order_id: sales_order for sales_order in batch}
            with transaction.atomic(using=CHANNEL_DB), transition_logs_batched():
                orders = list(
                    Order.objects.using(CHANNEL_DB)
                    .select_for_update()
                    .filter(order_id__in=list(by_order))
                )
                for order in orders:
                    sales_order = by_order[order.order_id]
                    order.sales_order_number = sales_order.number
                    if order.status == Order.Status.PLACED:
                        if sales_order.status == SalesOrder.Status.CONFIRMED:
                            order.confirm(by=actor, reason=f"HQ {sales_order.decided_by}")
                        elif sales_order.status == SalesOrder.Status.CANCELLED:
                            order.cancel(by=actor, reason=sales_order.status_reason)
                    if sales_order.decided_at:
                        order.decided_at = sales_order.decided_at
                Order.objects.using(CHANNEL_DB).bulk_update(
                    orders, ["sales_order_number", "status", "status_reason", "decided_at"]
                )
            SalesOrder.objects.using(DB).filter(pk__in=[so.pk for so in batch]).update(
                reported=True
            )
            reported += len(orders)


def customers_download(run: JobRun, batch_size: int) -> tuple[int, int]:
    """1010: copy hierarchies, their customers and members from HQ to the channel.

    Batch by batch of members, upserted by business key, so a run is idempotent and a second
    one writes nothing. Pending members become active once copied. Partner-user requests HQ
    has decided on are marked applied or failed after the copy, so when the site shows one as
    applied it also shows its result.
    """
    actor = f"job {run.job}"
    # Read before the copy: a request HQ processed by now is reflected in what is copied next.
    outcomes = _partner_user_request_outcomes(batch_size)
    written = last_id = 0
    while True:
        run_alive(run)
        batch, batch_written = _members_download(last_id, batch_size, actor)
        if not batch:
            break
        last_id = batch[-1].pk
        written += batch_written
    written += _partner_user_requests_complete(outcomes, actor)
    return written + _sales_orders_report(batch_size, actor), 0
