"""Partner users checking out at the same moment never together pass their organization's
credit limit (SPEC §13): the check and the reservation hold a lock on the organization's row.

Eight users of one organization check out at once, in threads with connections of their own,
on PostgreSQL; hypothesis draws what each order is worth and who needs an admin's approval
(orders awaiting approval reserve credit as placed ones do).
"""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commerce.channel.models import ChannelCustomer, Order
from commerce.channel.shop import checkout as shop_checkout
from commerce.channel.shop.checkout import order_checkout
from commerce.channel.shop.selectors import organization_credit
from commerce.channel.shop.services import cart_line_set
from commerce.jobs import job_execute
from commerce.services import customer_credit_limit_set
from core.errors import ServiceError
from tests.channel.portal_support import approved_organization, partner_login
from tests.channel.shop.support import colleague_add, limits_set, products

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]

USERS = 8
LIMIT = Decimal("10000.00")
PRICE = "1.00"  # one piece per zloty: a quantity is the order's value


@pytest.fixture
def buyers(monkeypatch) -> tuple[str, list[int]]:
    """An organization with a balance credit limit of 10,000 PLN and eight users.

    The checkouts' kicks of P-0001 are left out: with eager Celery each thread would run the
    jobs inside its own open transactions, which the worker never does.
    """
    products(FX_9001=PRICE)
    organization = approved_organization(first_name="Zofia", last_name="Żółkiewska")
    users = [partner_login(organization.admin_email).pk] + [
        colleague_add(organization, email=f"kupiec{n}@zolc-lodz.pl") for n in range(1, USERS)
    ]
    # Set in HQ and copied by 1010, as the back office does (a copy set on the site alone would
    # be put back by the next 1010 run).
    customer_credit_limit_set(
        account_number=organization.prospect.organization_customer,
        credit_limit=LIMIT,
        currency="PLN",
        credit_limit_type="balance",
        actor="backoffice",
    )
    job_execute(code="1010")
    monkeypatch.setattr(shop_checkout, "requests_upload_on_commit", lambda *, using: None)
    return organization.prospect.organization_customer, users


def _checkouts(users: list[int], values: list[int]) -> tuple[list[Order], list[ServiceError]]:
    for user_id, value in zip(users, values, strict=True):
        cart_line_set(user_id=user_id, product_number="FX-9001", quantity=value)
    start = threading.Barrier(len(users))
    placed: list[Order] = []
    refused: list[ServiceError] = []
    errors: list[BaseException] = []

    def checkout(user_id: int) -> None:
        try:
            start.wait()
            placed.append(order_checkout(user_id=user_id, purchase_order="PO-1", actor="buyer"))
        except ServiceError as exc:
            refused.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=checkout, args=(user_id,)) for user_id in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return placed, refused


@settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.lists(st.integers(1, 6000), min_size=USERS, max_size=USERS),
    approvals=st.lists(st.booleans(), min_size=USERS, max_size=USERS),
)
def test_concurrent_checkouts_never_pass_the_credit_limit(buyers, values, approvals):
    organization, users = buyers
    # The organization's earlier examples' orders are cancelled: their credit is free again.
    Order.objects.using("channel").update(status=Order.Status.CANCELLED)
    for user_id, needs_approval in zip(users, approvals, strict=True):
        limits_set(user_id, per_order="100.00" if needs_approval else None)

    placed, refused = _checkouts(users, values)

    accepted = sum((order.total for order in placed), Decimal(0))
    assert len(placed) + len(refused) == USERS
    assert accepted <= LIMIT
    assert {exc.code for exc in refused} <= {"credit_exceeded"}
    # Credit only shrinks during the run: whatever was refused does not fit in what is left.
    for exc in refused:
        assert Decimal(exc.details["total"]) > LIMIT - accepted
        assert exc.details["currency"] == "PLN"
    for order in placed:
        expected = Order.Status.AWAITING_APPROVAL if order.total > 100 else Order.Status.PLACED
        assert order.status == (
            expected if approvals[users.index(order.buyer_user_id)] else "placed"
        )
    customer = ChannelCustomer.objects.using("channel").get(account_number=organization)
    credit = organization_credit(organization=customer)
    assert credit.open_orders == accepted and credit.available == LIMIT - accepted >= 0


def test_eight_checkouts_at_once_that_together_exceed_the_limit(buyers):
    """Each order fits alone (2,000 of 10,000 PLN); only five of the eight can be accepted."""
    _organization, users = buyers

    placed, refused = _checkouts(users, [2000] * USERS)

    assert len(placed) == 5 and len(refused) == 3
    assert [exc.details for exc in refused] == [
        {"total": "2000.00", "available": "0.00", "currency": "PLN"}
    ] * 3
    assert len({order.number for order in placed}) == 5
