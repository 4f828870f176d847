"""Fault: Redis, the broker and the cache, stops for 20 s during sign-ups (SPEC §12, issue 6).

Requests and decisions keep being accepted meanwhile: they are committed, only the kicks that
would start their follow-up work at once cannot be sent (and say so in the log). When Redis is
back, the worker reconnects and the scheduled runs finish everything; what Redis held is gone
(it stops with SHUTDOWN NOSAVE), so nothing may depend on it.

Redis stops while the mailer is in the middle of a run (the SMTP server holds it), so the worker
loses the broker with an unacknowledged message in hand: the case that used to stop kombu's
consumer for good (see core/broker.py). The mailer finishes during the outage.
"""

import logging
import time

import environ

from commerce.channel.models import OnboardingRequest
from tests.integration.support import wait_until

from .flow import (
    SCENARIO_MARKS,
    Ledger,
    assert_nothing_lost_or_twice,
    beat_tick,
    leads_for,
    wait_settled,
)

pytestmark = SCENARIO_MARKS

OUTAGE_SECONDS = 20


def test_redis_outage_during_sign_ups(celery, redis_server, mail_server, settings, caplog):
    # The web side counts sign-ups per client in the Redis cache, configured as in production.
    settings.CACHES = {"default": environ.Env.cache_url_config(redis_server.url(1))}
    # Prefork, as in the Procfile: tasks run in children, the main process only consumes, so
    # a task publishing while the broker is gone cannot race the consumer's reconnection.
    worker = celery.worker("worker", pool="prefork", concurrency=2)
    ledger = Ledger()
    mail_server.hold_after(0)  # the first receipt's run is held at MAIL FROM
    before = leads_for(ledger.sign_up_many("pred", 8))
    wait_until(lambda: mail_server.held == 1, 30)

    redis_server.stop()
    outage_started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING, logger="core.kicks"):
            during = ledger.sign_up_many("behem", 12)  # each one answered 201
            ledger.decide_all(before)
        mail_server.release()
        stored = OnboardingRequest.objects.filter(
            request_id__in=during, status=OnboardingRequest.Status.RECEIVED
        )
        assert stored.count() == len(during)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
    finally:
        redis_server.start()

    # Beat is not running in tests: the test sends the scheduled tasks once, as beat would.
    beat_tick()
    wait_settled(ledger, mail_server)
    assert_nothing_lost_or_twice(ledger, mail_server)

    # The story: every kick that could not be sent was logged, and the worker reconnected.
    unsent = [r.getMessage() for r in caplog.records if r.name == "core.kicks"]
    assert sum("commerce.job_run('P-0001', 'commit')" in m for m in unsent) == len(during)
    assert sum("dualwrite.outbox_relay('sales',)" in m for m in unsent) >= len(before)
    assert all("the beat schedule will run it" in m for m in unsent)
    log = worker.log()
    assert "Connection to broker lost" in log, log[-3000:]
    assert log.count("INFO/MainProcess] Connected to") == 2, log[-3000:]  # and reconnected
    assert "Unrecoverable error" not in log, log[-3000:]
