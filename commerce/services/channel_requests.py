"""Staged channel requests: HQ sends a failed one back to the sync job."""

from django.db import transaction

from commerce.jobs.registry import SYNCHRONIZE, job_kick_on_commit
from commerce.models import ChannelRequest

from .common import DB


def channel_request_retry(*, request_id: str, actor: str) -> ChannelRequest:
    """Send a failed staged request back to the sync job (HQ action)."""
    with transaction.atomic(using=DB):
        staged = ChannelRequest.objects.using(DB).select_for_update().get(request_id=request_id)
        staged.retry(by=actor)
        staged.save()
        job_kick_on_commit(code=SYNCHRONIZE.code, using=DB)
    return staged
