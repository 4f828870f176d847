"""Two transactions create the same customer at once (two relays: an account and the decision
that carries it). Found by the fault suite: the loser failed on the unique key, and five such
failures paused the map by the alert rule. Now the loser updates the winner's row."""

import threading
import time

import psycopg
import pytest

from commerce.models import Customer
from commerce.services import customer_upsert
from tests.integration.support import database_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]


def test_the_second_of_two_concurrent_creates_updates_the_first():
    other = psycopg.connect(database_url("commerce"))
    other.execute(
        f"INSERT INTO {Customer._meta.db_table} (account_number, party_type, name, first_name, "
        "last_name, email, phone, job_title, street, city, state, postal_code, country, tax_id, "
        "website, language, credit_limit, currency, credit_limit_type, balance, blocked, "
        "prospect_number, version, created_at, updated_at) VALUES ('A-777', 'organization', "
        "'First', '', '', '', '', '', '', '', '', '', '', '', '', 'en', 0, 'EUR', 'none', 0, "
        "false, 'PR-1', 1, now(), now())"
    )
    # The insert above is not committed yet: the upsert below waits for it, then finds the key.
    committer = threading.Timer(0.5, other.commit)
    committer.start()
    started = time.monotonic()
    customer = customer_upsert(
        account_number="A-777", party_type="organization", values={"name": "Second", "city": "Brno"}
    )
    committer.join()
    other.close()

    assert time.monotonic() - started >= 0.4  # it really waited for the other transaction
    assert Customer.objects.count() == 1
    stored = Customer.objects.get()
    assert (stored.pk, stored.name, stored.city) == (customer.pk, "Second", "Brno")
