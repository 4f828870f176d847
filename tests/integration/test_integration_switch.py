"""Issue 10, seen 5, through real workers: integration off, then a restart with it on (§3.9).

Off: Sales refuses to decide B2B leads, HQ decides; every change still waits in the outboxes.
Restarted with the integration on, the worker delivers them by itself: the prospect still new
gets its lead, the one HQ approved gets a lead closed as "decided in Commerce".
"""

import pytest

from commerce import services as commerce
from commerce.models import Prospect
from core.errors import NotAllowed
from dualwrite.models import OutboxMessage
from sales import services as sales
from sales.models import Lead, Opportunity
from tests.factories import AccountFactory, ContactFactory

from .conftest import worker_started
from .support import wait_until
from .test_sales_flows import TIMEOUT, _sign_up

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
    pytest.mark.parametrize("sales_integration_enabled", [False], indirect=True),
    pytest.mark.usefixtures("dualwrite_running"),
]


def _prospect(request_id) -> Prospect:
    return wait_until(lambda: Prospect.objects.filter(request_id=request_id).first(), TIMEOUT)


def test_off_then_on_creates_and_closes_the_leads_by_itself(
    celery_worker, worker_env, settings, tmp_path
):
    waiting = _prospect(_sign_up("nova@vypnuto.cz", "Vypnuto Nová s.r.o."))
    decided = _prospect(_sign_up("hotova@vypnuto.cz", "Vypnuto Hotová s.r.o."))
    commerce.prospect_approve(prospect_number=decided.prospect_number, actor="backoffice")
    # A B2B lead from an earlier time the integration was on: Sales may not decide it now.
    lead = Lead.objects.create(
        prospect_number="PR-999999",
        topic="B2B partner request",
        lead_source=Lead.Source.B2B_COMMERCE,
        owner="integration",
        **{name: getattr(waiting, name) for name in Prospect.PARTY_FIELD_NAMES},
    )
    with pytest.raises(NotAllowed) as refused:
        sales.lead_qualify(lead_id=lead.pk, actor="rep", ignore_duplicates=True)
    assert refused.value.code == "decided_in_commerce"
    assert not Opportunity.objects.exists()
    AccountFactory()
    ContactFactory()  # other Sales changes made meanwhile wait too

    pending = OutboxMessage.objects.using("commerce").filter(state="pending")
    assert pending.filter(map="prospects_to_leads").count() == 3  # two created, one decided
    assert not Lead.objects.filter(prospect_number=waiting.prospect_number).exists()

    celery_worker.stop()  # the restart with the integration on
    settings.SALES_INTEGRATION_ENABLED = True
    env = {**worker_env, "SALES_INTEGRATION_ENABLED": "true"}
    with worker_started(env, tmp_path / "worker-on.log"):
        new_lead = wait_until(
            lambda: Lead.objects.filter(prospect_number=waiting.prospect_number).first(), TIMEOUT
        )
        closed = wait_until(
            lambda: Lead.objects.filter(
                prospect_number=decided.prospect_number, status_reason="decided_in_commerce"
            ).first(),
            TIMEOUT,
        )
        wait_until(
            lambda: (
                not any(
                    OutboxMessage.objects.using(alias).exclude(state="delivered").exists()
                    for alias in ("commerce", "sales")
                )
            ),
            TIMEOUT,
        )
    assert new_lead.status == Lead.Status.OPEN
    assert closed.status == Lead.Status.QUALIFIED
    assert "approved in Commerce by backoffice" in closed.notes.first().text
