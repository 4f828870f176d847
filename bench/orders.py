"""Orders on account (issue 14): partner users checking out through gunicorn, then orders to HQ.

    python -m bench.orders --organizations 8 --users 40 --rate 20 --seconds 30 --bulk 5000

1. Checkout: N partner users of M organizations (each with a balance credit limit; every third
   user with a spending limit per order, so some orders wait for approval) POST orders to
   `/api/channel/orders/` (token auth) at a constant rate (open loop) through gunicorn, while
   the worker carries them to HQ. Measured: checkouts per second, the POST's p95, and, from the
   database afterwards, that no organization's open orders passed its credit limit.
2. Bulk: `--bulk` placed orders (three lines each) are inserted on the site at once, P-0001 is
   kicked, and the time until every one is an HQ sales order gives orders/s placed → HQ.
"""

import argparse
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import requests

from .data import party_values
from .env import BenchEnvironment, logger, logging_setup, wait_until
from .measure import PeakMemory, distribution_ms, emit, worker_tasks
from .measure import target as target_check

ORDERS_PATH = "/api/channel/orders/"
CREDIT_LIMIT = Decimal("8000.00")
SPENDING_LIMIT = Decimal("300.00")  # every third user's limit per order
BULK_BATCH = 2000
WARM_UP_ORDERS = 4


@dataclass(frozen=True)
class Buyer:
    token: str
    organization: str


def partners_create(organizations: int, users: int, tag: str) -> list[Buyer]:
    """Approved organizations with their users, as HQ makes them and 1010 copies them; each
    user signed in once (a Django user linked to the member) with an API token."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from commerce.channel.models import ChannelHierarchyMember, PartnerUser
    from commerce.jobs import job_execute
    from commerce.models import Prospect
    from commerce.services import (
        customer_credit_limit_set,
        hierarchy_member_add,
        prospect_approve,
    )

    per_organization = max(1, users // organizations)
    for m in range(organizations):
        prospect = Prospect.objects.using("commerce").create(
            prospect_number=f"PR-B{m:05d}", **party_values(m, tag), language="pl"
        )
        prospect_approve(prospect_number=prospect.prospect_number, actor="bench")
        prospect.refresh_from_db()
        for u in range(1, per_organization):
            hierarchy_member_add(
                hierarchy_id=prospect.customer_hierarchy,
                first_name="Jan",
                last_name=f"Kowalski {m}-{u}",
                email=f"bench-{tag}-{m}-{u}@kupiec.example.pl",
                role="user",
                spending_limit=SPENDING_LIMIT if u % 3 == 0 else None,
                language="pl",
                actor="bench",
            )
        customer_credit_limit_set(
            account_number=prospect.organization_customer,
            credit_limit=CREDIT_LIMIT,
            currency="PLN",
            credit_limit_type="balance",
            actor="bench",
        )
    job_execute(code="1010")
    buyers = []
    User = get_user_model()
    for member in ChannelHierarchyMember.objects.using("channel").select_related(
        "customer", "hierarchy"
    ):
        user = User.objects.using("default").create(username=member.customer.email.lower())
        PartnerUser.objects.using("channel").create(
            user_id=user.pk, account_number=member.customer_id, hierarchy_id=member.hierarchy_id
        )
        token = Token.objects.using("default").create(user=user)
        buyers.append(Buyer(token.key, member.hierarchy.organization_id))
    return buyers


@dataclass
class Sent:
    started_at: float
    seconds: float
    status: int | None
    code: str = ""
    order_status: str = ""


class OrderClient:
    """POSTs orders as the buyers, in turn; one HTTP session per thread."""

    def __init__(self, base_url: str, buyers: list[Buyer], products: list[str]) -> None:
        self.url = base_url + ORDERS_PATH
        self.buyers = buyers
        self.products = products
        self._local = threading.local()

    def send(self, number: int) -> Sent:
        session = getattr(self._local, "session", None) or requests.Session()
        self._local.session = session
        buyer = self.buyers[number % len(self.buyers)]
        rng = random.Random(number)
        body = {
            "purchase_order": f"PO-{number}",
            "lines": [
                {"product_number": product, "quantity": rng.randint(1, 3)}
                for product in rng.sample(self.products, rng.randint(1, 3))
            ],
        }
        started = time.time()
        try:
            response = session.post(
                self.url, json=body, headers={"Authorization": f"Token {buyer.token}"}, timeout=30
            )
        except requests.RequestException as exc:
            return Sent(started, time.time() - started, None, code=type(exc).__name__)
        sent = Sent(started, time.time() - started, response.status_code)
        data = response.json() if response.content else {}
        if response.status_code == 201:
            sent.order_status = data.get("status", "")
        else:
            sent.code = str(data.get("code", "")) or response.text[:100]
        return sent


def send_open_loop(client: OrderClient, *, rate: float, seconds: float) -> list[Sent]:
    total = max(1, round(rate * seconds))
    with ThreadPoolExecutor(max_workers=max(16, int(rate * 5))) as pool:
        start = time.monotonic()
        futures = []
        for number in range(total):
            delay = start + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(client.send, number))
        return [future.result() for future in futures]


def limits_passed() -> dict[str, str]:
    """Organizations whose open orders on the site are above their credit limit."""
    from commerce.channel.models import ChannelCustomer
    from commerce.channel.shop.selectors import organization_credit

    passed = {}
    for customer in ChannelCustomer.objects.using("channel").filter(
        credit_limit_type=ChannelCustomer.CreditLimitType.BALANCE
    ):
        credit = organization_credit(organization=customer)
        if credit.available is not None and credit.available < 0:
            passed[customer.account_number] = str(credit.available)
    return passed


def bulk_orders_insert(count: int, products: list, tag: str) -> None:
    """`count` placed orders of three lines each, straight into the site's tables."""
    from commerce.channel.models import ChannelHierarchy, Order, OrderLine, PartnerUser

    link = PartnerUser.objects.using("channel").order_by("pk").first()
    hierarchy = ChannelHierarchy.objects.using("channel").get(hierarchy_id=link.hierarchy_id)
    chosen = products[:3]
    total = sum((product.price for product in chosen), Decimal(0))
    for start in range(0, count, BULK_BATCH):
        orders = [
            Order(
                number=f"B{tag[:4]}-{n:07d}",
                hierarchy_id=link.hierarchy_id,
                organization=hierarchy.organization_id,
                buyer=link.account_number,
                buyer_user_id=link.user_id,
                buyer_name="Jan Kowalski",
                buyer_email=f"bulk-{tag}@kupiec.example.pl",
                buyer_language="pl",
                purchase_order=f"PO-B-{n}",
                status=Order.Status.PLACED,
                total=total,
                currency="PLN",
                delivery_name="Hurtownia Łódź",
                delivery_street="ul. Piotrkowska 104",
                delivery_postal_code="90-926",
                delivery_city="Łódź",
                delivery_country="PL",
            )
            for n in range(start, min(count, start + BULK_BATCH))
        ]
        orders = Order.objects.using("channel").bulk_create(orders)
        OrderLine.objects.using("channel").bulk_create(
            OrderLine(
                order=order,
                line_number=index,
                product_number=product.product_number,
                product_name=product.name_pl,
                unit=product.unit,
                quantity=1,
                unit_price=product.price,
                line_total=product.price,
            )
            for order in orders
            for index, product in enumerate(chosen, start=1)
        )


def _sales_orders() -> int:
    from commerce.models import SalesOrder

    return SalesOrder.objects.using("commerce").count()


def _placed_on_site() -> int:
    from commerce.channel.models import Order

    return Order.objects.using("channel").filter(status=Order.Status.PLACED).count()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=8, help="M organizations")
    parser.add_argument("--users", type=int, default=40, help="N partner users in all")
    parser.add_argument("--rate", type=float, default=20, help="checkouts per second")
    parser.add_argument("--seconds", type=float, default=30, help="how long to check out")
    parser.add_argument("--bulk", type=int, default=5000, help="placed orders taken to HQ")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    logging_setup()
    tag = uuid.uuid4().hex[:8]

    # Prospects are approved in HQ here (the Sales integration would have Sales decide them).
    with BenchEnvironment(overrides={"SALES_INTEGRATION_ENABLED": "false"}) as env:
        env.prepare()
        env.activate()
        from django.core.management import call_command

        from commerce.channel.models import ChannelProduct
        from commerce.tasks import job_run

        call_command("demo_catalog", stdout=open("/dev/null", "w"))  # noqa: SIM115
        buyers = partners_create(args.organizations, args.users, tag)
        products = list(ChannelProduct.objects.using("channel").order_by("product_number"))
        numbers = [product.product_number for product in products]
        logger.info("%s buyers of %s organizations ready", len(buyers), args.organizations)
        env.start_worker()
        base_url = env.start_web(workers=args.web_workers)
        client = OrderClient(base_url, buyers, numbers)
        warm_up = [client.send(-1 - n) for n in range(WARM_UP_ORDERS)]
        logger.info("warm-up: %s", [s.status for s in warm_up])

        logger.info("checking out %s/s for %s s", args.rate, args.seconds)
        with PeakMemory(env.services) as memory:
            sent = send_open_loop(client, rate=args.rate, seconds=args.seconds)
        # The orders placed during the run reach HQ (the worker ran along).
        placed = _placed_on_site()
        wait_until(lambda: _sales_orders() >= placed, args.timeout, "checkout orders in HQ")
        passed = limits_passed()

        base = _sales_orders()
        bulk_orders_insert(args.bulk, products, tag)
        logger.info("%s placed orders inserted; kicking P-0001", args.bulk)
        started = time.monotonic()
        job_run.delay("P-0001", "bench")
        try:
            wait_until(
                lambda: _sales_orders() >= base + args.bulk, args.timeout, "bulk", interval=0.2
            )
        except TimeoutError as exc:
            logger.warning("%s", exc)
        bulk_seconds = time.monotonic() - started
        bulk_done = _sales_orders() - base
        tasks = worker_tasks(env.services_named("worker"))

    span = max(s.started_at for s in sent) - min(s.started_at for s in sent)
    accepted = [s for s in sent if s.status == 201]
    outcomes: dict[str, int] = {}
    for s in sent:
        key = f"{s.status} {s.order_status or s.code}"
        outcomes[key] = outcomes.get(key, 0) + 1
    checkout = distribution_ms(s.seconds for s in sent)
    orders_per_s = round(bulk_done / bulk_seconds, 1) if bulk_seconds else None
    results = {
        "buyers": len(buyers),
        "sent": len(sent),
        "accepted": len(accepted),
        "outcomes": dict(sorted(outcomes.items())),
        "checkouts_per_s": round((len(sent) - 1) / span, 2) if span else None,
        "checkout": checkout,
        "organizations_over_limit": passed,
        "bulk": {"orders": args.bulk, "in_hq": bulk_done, "seconds": round(bulk_seconds, 2)},
        "bulk_orders_per_s": orders_per_s,
        "worker_tasks": tasks,
        "memory": memory.result(),
    }
    emit(
        "orders",
        vars(args),
        results,
        {
            "checkout_p95_ms": target_check(checkout["p95_ms"], 150, unit=" ms"),
            "checkouts_per_s": target_check(
                results["checkouts_per_s"], args.rate * 0.95, at_most=False
            ),
            "bulk_orders_per_s": target_check(orders_per_s, 500, at_most=False),
            "limits_passed": target_check(len(passed), 0),
            "server_errors": target_check(
                sum(1 for s in sent if not s.status or s.status >= 500), 0
            ),
        },
    )


if __name__ == "__main__":
    main()
