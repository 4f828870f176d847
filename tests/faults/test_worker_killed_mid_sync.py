"""Fault: the worker is killed with SIGKILL while "Synchronize orders and channel requests" is
half way through the placed orders (SPEC §12, §13), then restarted.

The sync job takes a sales-order number for each batch, under a row lock on the number
sequence: the test holds that lock, lets exactly one batch through, and kills the worker while
the second batch waits on it (its staged rows claimed, its sales orders not committed). After
a restart every placed order is exactly one sales order, each buyer gets one email, and the
site learns every sales order's number.
"""

import threading

import psycopg
import pytest
from django.db import connections

from commerce.channel.models import Order
from commerce.channel.shop.checkout import order_checkout
from commerce.channel.shop.services import cart_line_set
from commerce.models import ChannelRequest, EmailNotification, NumberSequence, SalesOrder
from tests.channel.shop.support import products, shop
from tests.integration.support import database_url, wait_until

from .flow import beat_tick

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

ORDERS = 40
BATCH = 10
TIMEOUT = 60


class SequenceLock:
    """A row lock on HQ's sales-order number sequence, from a connection of its own."""

    def __init__(self) -> None:
        self.connection = psycopg.connect(database_url("commerce"))
        self.taken = threading.Event()

    def take(self) -> None:
        self.connection.execute(
            f"SELECT 1 FROM {NumberSequence._meta.db_table} WHERE code = 'sales_order' FOR UPDATE"
        )
        self.taken.set()

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


def _waiting_on_locks() -> int:
    with connections["commerce"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _place_orders(user_ids: list[int]) -> list[Order]:
    placed = []
    for n in range(ORDERS):
        user_id = user_ids[n % len(user_ids)]
        cart_line_set(user_id=user_id, product_number="FX-1001", quantity=n + 1)
        placed.append(order_checkout(user_id=user_id, purchase_order=f"PO-{n}", actor="buyer"))
    return placed


def test_worker_killed_mid_sync_loses_and_duplicates_no_order(celery):
    products(FX_1001="10.00")
    partners = shop()
    orders = _place_orders([partners.user_id, partners.admin_id])
    env = {"JOB_BATCH_SIZE": str(BATCH)}

    first = SequenceLock()
    first.take()
    second = SequenceLock()
    try:
        # One task at a time, so that only the sync job's first batch waits on the lock; the
        # test's second taker queues behind it.
        victim = celery.worker("victim", pool="prefork", concurrency=1, env=env)
        wait_until(lambda: _waiting_on_locks() == 1, TIMEOUT)
        taker = threading.Thread(target=second.take)
        taker.start()
        wait_until(lambda: _waiting_on_locks() == 2, TIMEOUT)
        first.release()
        # The first batch commits; the test's second lock now holds the next batch.
        wait_until(second.taken.is_set, TIMEOUT)
        wait_until(lambda: _waiting_on_locks() == 1, TIMEOUT)
        before_kill = SalesOrder.objects.using("commerce").count()
        claimed = ChannelRequest.objects.using("commerce").filter(request_type="order").count()
        victim.kill()
    finally:
        second.release()

    assert before_kill == BATCH and claimed == ORDERS
    celery.worker("restarted", pool="prefork", concurrency=2, env=env)
    beat_tick()  # what celery-beat sends when the jobs fall due

    def every_order_reported() -> bool:
        return not Order.objects.using("channel").filter(sales_order_number="").exists()

    wait_until(every_order_reported, TIMEOUT, interval=0.2)
    sales_orders = list(
        SalesOrder.objects.using("commerce").values_list("channel_order_id", "number")
    )
    assert sorted(order_id for order_id, _ in sales_orders) == sorted(o.order_id for o in orders)
    assert len({number for _, number in sales_orders}) == ORDERS
    assert set(ChannelRequest.objects.using("commerce").values_list("state", flat=True)) == {
        ChannelRequest.State.PROCESSED
    }
    reported = dict(Order.objects.using("channel").values_list("order_id", "sales_order_number"))
    assert reported == dict(sales_orders)
    placed_emails = EmailNotification.objects.using("commerce").filter(type="order_placed")
    assert sorted(placed_emails.values_list("context__order_number", flat=True)) == sorted(
        o.number for o in orders
    )
