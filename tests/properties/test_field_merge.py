"""Property: field-level merge on a two-way map (issue 10, SPEC §7 fidelity).

For any interleaving of edits to mapped and unmapped fields on both sides, with the accounts map
paused and resumed (and synced in between), once the relays have drained: both sides hold the
same mapped values; a field changed on one side only keeps that change; and a conflict is
recorded exactly when both sides changed the same field, won by the map's rule.
"""

import itertools
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from commerce import services as commerce
from commerce.models import Customer
from dualwrite.models import ConflictEntry, MapState, OutboxMessage
from dualwrite.relay import outbox_relay
from dualwrite.services import map_pause, map_resume
from sales import services as sales
from sales.models import Account

from .support import rolled_back

pytestmark = pytest.mark.django_db(databases="__all__")

ACCOUNTS = "accounts_organization_customers"
MAPPED = ("name", "city", "street", "postal_code")
SIDES = ("sales", "commerce")
_keys = itertools.count(1)


@dataclass
class Expected:
    """The reference model: what each mapped field should hold and how many conflicts."""

    rule: str
    synced: dict[str, str]
    pending: dict[str, dict[str, str]] = field(default_factory=lambda: {s: {} for s in SIDES})
    last_edit: dict[str, dict[str, int]] = field(default_factory=lambda: {s: {} for s in SIDES})
    conflicts: dict[str, int] = field(default_factory=dict)

    def edit(self, side: str, name: str, value: str, step: int) -> None:
        self.pending[side][name] = value
        self.last_edit[side][name] = step

    def sync(self) -> None:
        sales_side, commerce_side = self.pending["sales"], self.pending["commerce"]
        for name in sales_side.keys() | commerce_side.keys():
            if name in sales_side and name in commerce_side:
                self.conflicts[name] = self.conflicts.get(name, 0) + 1
                winner = self.rule
                if winner == "newest":
                    newer = self.last_edit["sales"][name] > self.last_edit["commerce"][name]
                    winner = "sales" if newer else "commerce"
                self.synced[name] = self.pending[winner][name]
            else:
                self.synced[name] = sales_side.get(name, commerce_side.get(name))
        self.pending = {s: {} for s in SIDES}
        self.last_edit = {s: {} for s in SIDES}


edit = st.tuples(st.sampled_from(SIDES), st.sampled_from((*MAPPED, "credit_limit")))
step = st.one_of(edit, st.just(("sync", "")))


def _drain() -> None:
    for _ in range(6):
        for source in ("sales", "commerce"):
            outbox_relay(source=source)
    for alias in SIDES:
        assert not OutboxMessage.objects.using(alias).exclude(state="delivered").exists()


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(step, min_size=1, max_size=12),
    rule=st.sampled_from(("commerce", "sales", "newest")),
)
def test_both_sides_converge_and_conflicts_are_exactly_the_fields_both_changed(
    dualwrite_running, settings, steps, rule
):
    settings.SALES_INTEGRATION_ENABLED = True
    with rolled_back():
        MapState.objects.filter(code=ACCOUNTS).update(conflict_rule=rule)
        key = f"A-P{next(_keys):05d}"
        start = {"name": "Start", "city": "Brno", "street": "Hlavní 1", "postal_code": "602 00"}
        account = Account.objects.create(account_number=key, country="CZ", **start)
        _drain()
        expected = Expected(rule=rule, synced=dict(start))
        map_pause(code=ACCOUNTS, actor="test")
        credit = None
        for index, (side, name) in enumerate(steps):
            if side == "sync":
                map_resume(code=ACCOUNTS, actor="test")
                _drain()
                expected.sync()
                map_pause(code=ACCOUNTS, actor="test")
                continue
            if name == "credit_limit":  # HQ only, and not carried by the map
                credit = f"{index + 1}.00"
                commerce.customer_credit_limit_set(
                    account_number=key,
                    credit_limit=credit,
                    currency="EUR",
                    credit_limit_type="balance",
                    actor="test",
                )
                continue
            value = f"{side[0].upper()}{index} {name}"
            if side == "sales":
                sales.account_update(account_id=account.pk, values={name: value})
            else:
                commerce.customer_upsert(
                    account_number=key, party_type="organization", values={name: value}
                )
            expected.edit(side, name, value, index)
        map_resume(code=ACCOUNTS, actor="test")
        _drain()
        expected.sync()

        in_sales = Account.objects.get(pk=account.pk)
        in_commerce = Customer.objects.get(account_number=key)
        for name in MAPPED:
            assert getattr(in_sales, name) == getattr(in_commerce, name) == expected.synced[name]
        recorded = {
            name: ConflictEntry.objects.filter(record_key=key, field=name).count()
            for name in MAPPED
        }
        assert recorded == {name: expected.conflicts.get(name, 0) for name in MAPPED}
        if credit is not None:
            assert str(in_commerce.credit_limit) == credit
