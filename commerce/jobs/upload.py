"""P-0001: move channel requests into HQ's staging table, batch by batch (SPEC §6).

Requests are staged once each; an order is staged once per status HQ must hear of (placed,
awaiting approval, declined), under a reference made from the order's and the status's.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from commerce.channel.models import OnboardingRequest, Order, PartnerUserRequest
from commerce.emails import EmailSpec, onboarding_request_received_email
from commerce.models import ChannelRequest, JobRun
from commerce.services import email_notifications_queue
from core.batches import claimed_batches
from core.postgres import rows_copy

from .registry import SYNCHRONIZE, job_kick_on_commit
from .runner import run_alive

CHANNEL_DB = "channel"
DB = "commerce"


def _receipts(requests: list[OnboardingRequest]) -> list[EmailSpec]:
    return [onboarding_request_received_email(request=request) for request in requests]


@dataclass(frozen=True)
class _Upload:
    """One kind of channel request P-0001 stages: its model, type, payload and receipts."""

    model: type[OnboardingRequest] | type[PartnerUserRequest]
    request_type: str
    payload: Callable[[Any], dict]
    receipts: Callable[[list], list[EmailSpec]] = lambda requests: []

    def staged_row(
        self, request: OnboardingRequest | PartnerUserRequest, run: JobRun
    ) -> ChannelRequest:
        return ChannelRequest(
            request_id=request.request_id,
            request_type=self.request_type,
            email=request.email,
            payload=self.payload(request),
            upload_run=run,
        )


UPLOADS = (
    _Upload(
        OnboardingRequest,
        ChannelRequest.Type.ONBOARDING,
        OnboardingRequest.party_values,
        _receipts,
    ),
    _Upload(PartnerUserRequest, ChannelRequest.Type.PARTNER_USER, PartnerUserRequest.payload),
)


def _upload(upload: _Upload, run: JobRun, batch_size: int) -> int:
    uploaded = 0
    model = upload.model
    due: QuerySet[Any] = (
        model.objects.using(CHANNEL_DB).filter(status=model.Status.RECEIVED).order_by("id")
    )
    for batch in claimed_batches(
        due, using=CHANNEL_DB, batch_size=batch_size, alive=lambda: run_alive(run)
    ):
        with transaction.atomic(using=DB):
            rows_copy(
                [upload.staged_row(request, run) for request in batch],
                using=DB,
                ignore_conflicts=True,
            )
            # Kicked first, so a free worker takes the flow on before the receipts.
            job_kick_on_commit(code=SYNCHRONIZE.code, using=DB)
            email_notifications_queue(specs=upload.receipts(batch))
        for request in batch:
            request.mark_uploaded(by=f"job {run.job}")
        # Every row gets the same values: one UPDATE, where bulk_update builds a CASE per row.
        model.objects.using(CHANNEL_DB).filter(pk__in=[request.pk for request in batch]).update(
            status=model.Status.UPLOADED, uploaded_at=timezone.now()
        )
        uploaded += len(batch)
    return uploaded


def order_event_reference(order: Order) -> uuid.UUID:
    """The staged reference of an order in its current status: the same however often sent."""
    return uuid.uuid5(order.order_id, order.status)


def _orders_upload(run: JobRun, batch_size: int) -> int:
    uploaded = 0
    due = (
        Order.objects.using(CHANNEL_DB)
        .filter(status__in=Order.UPLOADED_STATUSES)
        .exclude(uploaded_status=F("status"))
        .prefetch_related("lines")
        .order_by("id")
    )
    for batch in claimed_batches(
        due, using=CHANNEL_DB, batch_size=batch_size, alive=lambda: run_alive(run)
    ):
        with transaction.atomic(using=DB):
            rows_copy(
                [
                    ChannelRequest(
                        request_id=order_event_reference(order),
                        request_type=ChannelRequest.Type.ORDER,
                        email=order.buyer_email,
                        payload=order.payload(),
                        upload_run=run,
                    )
                    for order in batch
                ],
                using=DB,
                ignore_conflicts=True,
            )
            job_kick_on_commit(code=SYNCHRONIZE.code, using=DB)
        for status in {order.status for order in batch}:
            Order.objects.using(CHANNEL_DB).filter(
                pk__in=[order.pk for order in batch if order.status == status]
            ).update(uploaded_status=status)
        uploaded += len(batch)
    return uploaded


def channel_requests_upload(run: JobRun, batch_size: int) -> tuple[int, int]:
    """P-0001: stage every channel request and order event not yet uploaded, batch by batch.

    Rows are claimed with SKIP LOCKED, so concurrent runs share the work; the staging table is
    unique by request id, so a batch that is staged but not marked (a crash between the two
    commits) is staged once when it is picked up again.
    """
    uploaded = sum(_upload(upload, run, batch_size) for upload in UPLOADS)
    return uploaded + _orders_upload(run, batch_size), 0
