"""Fault: the Sales database is unreachable for 30 s (SPEC §7 delivery, §12).

The worker reaches Sales through a proxy the test cuts; the reps (the test process) still reach
it directly, so they keep deciding. Meanwhile new prospects cannot become leads: each delivery
fails, is retried with backoff and shows in the error log. Once Sales is back the retries catch
up, and the error log shows every failure resolved.
"""

import time

import pytest
from django.db import connections

from dualwrite.models import DeliveryError, MapState, OutboxMessage
from tests.integration.support import database_url, wait_until

from .flow import (
    SCENARIO_MARKS,
    Ledger,
    assert_nothing_lost_or_twice,
    beat_tick,
    leads_for,
    wait_settled,
)
from .support import TCPProxy, url_through

pytestmark = SCENARIO_MARKS

OUTAGE_SECONDS = 30
PROSPECTS_TO_LEADS = "prospects_to_leads"


@pytest.fixture
def sales_link():
    database = connections["sales"].settings_dict
    proxy = TCPProxy(upstream=(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    proxy.start()
    yield proxy
    proxy.cut()


def test_sales_database_outage(celery, mail_server, sales_link):
    # The alert rule would pause the maps after five errors (it has tests of its own); here
    # they stay running, so that the retries alone must catch up.
    MapState.objects.update(alert_errors=10_000)
    celery.worker(
        "worker",
        env={
            "SALES_DATABASE_URL": url_through(database_url("sales"), sales_link.port),
            # Retries come every 5 s at most (fault_env): 30 s of outage take about ten.
            "DUALWRITE_MAX_ATTEMPTS": "30",
        },
    )
    ledger = Ledger()
    before = leads_for(ledger.sign_up_many("pred", 8))

    sales_link.cut()
    outage_started = time.monotonic()
    try:
        during = ledger.sign_up_many("behem", 12)
        ledger.decide_all(before)

        def retried_and_logged() -> bool:
            errors = DeliveryError.objects.filter(
                map=PROSPECTS_TO_LEADS, state=DeliveryError.State.OPEN
            )
            return errors.count() == len(during) and errors.filter(attempts__gte=3).exists()

        wait_until(retried_and_logged, OUTAGE_SECONDS)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
    finally:
        sales_link.restore()

    # The Sales relay's runs failed outright while it could not read its own outbox; beat is
    # not running in tests, so the test sends the scheduled tasks once, as beat would.
    beat_tick()
    wait_settled(ledger, mail_server)
    assert_nothing_lost_or_twice(ledger, mail_server)

    # The story: one error log entry per held-back lead, retried with backoff, resolved.
    errors = DeliveryError.objects.filter(map=PROSPECTS_TO_LEADS)
    assert errors.count() == len(during)
    assert set(errors.values_list("state", "resolution")) == {
        (DeliveryError.State.RESOLVED, "delivered on retry")
    }
    assert all("OperationalError" in error.error for error in errors)
    retried = OutboxMessage.objects.using("commerce").filter(
        message_id__in=list(errors.values_list("message_id", flat=True))
    )
    assert min(retried.values_list("attempts", flat=True)) >= 3
    assert not retried.exclude(last_error="").exists()
    assert not DeliveryError.objects.exclude(map=PROSPECTS_TO_LEADS).exists()
    assert set(MapState.objects.values_list("state", flat=True)) == {MapState.State.RUNNING}
