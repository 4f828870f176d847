"""Initial sync of 10,000 customers on PostgreSQL, killed half-way and run again (issue 5)."""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from commerce.models import Customer
from dualwrite import services
from dualwrite.models import MapState
from sales.models import Account
from tests.integration.support import database_env, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

COUNT = 10_000
ACCOUNTS = "accounts_organization_customers"


def _customers() -> None:
    Customer.objects.bulk_create(
        Customer(
            account_number=f"C-{n:06d}",
            party_type=Customer.PartyType.ORGANIZATION,
            name=f"Žluťoučký kůň {n} s.r.o.",
            email=f"info{n}@kun.cz",
            country="CZ",
        )
        for n in range(1, COUNT + 1)
    )


def test_ten_thousand_customers_sync_once_even_when_the_run_is_killed(tmp_path, settings):
    settings.SALES_INTEGRATION_ENABLED = True
    _customers()
    services.map_states_register()
    log = (tmp_path / "initial-sync.log").open("w")
    run = subprocess.Popen(
        [sys.executable, "manage.py", "dualwrite", "initial-sync", ACCOUNTS, "--batch-size", "250"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, **database_env(), "SALES_INTEGRATION_ENABLED": "true"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: MapState.objects.get(code=ACCOUNTS).initial_sync_done >= COUNT // 3, 120)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()

    killed = MapState.objects.get(code=ACCOUNTS)
    assert killed.state == MapState.State.INITIALIZING
    assert 0 < killed.initial_sync_done < COUNT
    assert 0 < Account.objects.count() < COUNT

    state = services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=500)

    assert state.state == MapState.State.RUNNING
    assert Account.objects.count() == COUNT
    assert Account.objects.values("account_number").distinct().count() == COUNT
    assert Account.objects.get(account_number="C-004242").name == "Žluťoučký kůň 4242 s.r.o."
    assert Customer.objects.count() == COUNT
