"""The initial sync in bulk (issue 15): a batch costs the same few statements whatever its size,
a second run writes nothing, changed records are updated as a save would, and bad data stops
the run with nothing of its batch written."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test.utils import CaptureQueriesContext

from commerce.models import Customer
from commerce.services import customers_upsert_many
from core.errors import NotAllowed
from dualwrite import services
from dualwrite.models import MapState, OutboxMessage
from dualwrite.outbox import MAP_ENABLE_TASK
from dualwrite.services import initial_sync
from sales.models import Account, Contact
from sales.services import account_upsert_from_commerce, contact_upsert_from_commerce
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ACCOUNTS, CONTACTS = "accounts_organization_customers", "contacts_person_customers"


@pytest.fixture(autouse=True)
def _maps_not_running(settings, dualwrite_running):
    settings.SALES_INTEGRATION_ENABLED = True
    MapState.objects.update(state=MapState.State.NOT_RUNNING)


def _customers(count: int, *, start: int = 0, **values) -> list[Customer]:
    return [
        CustomerFactory(account_number=f"C-{n:06d}", name=f"Hurtownia Łódź {n}", **values)
        for n in range(start, start + count)
    ]


def _sales_writes(count: int) -> int:
    """Statements on Sales for syncing `count` new organization customers in one batch."""
    Account.objects.all().delete()
    Customer.objects.all().delete()
    MapState.objects.update(state=MapState.State.NOT_RUNNING)
    _customers(count)
    with CaptureQueriesContext(connections["sales"]) as sales:
        services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=1000)
    assert Account.objects.count() == count
    return len(sales.captured_queries)


def test_a_batch_costs_the_same_statements_for_5_or_40_records():
    few = _sales_writes(5)
    many = _sales_writes(40)
    assert few == many
    assert many <= 12


def test_a_second_run_writes_nothing_and_moves_no_version():
    _customers(7)
    services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=3)
    before = {a.account_number: (a.version, a.updated_at) for a in Account.objects.all()}

    MapState.objects.update(state=MapState.State.NOT_RUNNING)
    with CaptureQueriesContext(connections["sales"]) as sales:
        state = services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=3)

    assert state.state == MapState.State.RUNNING
    assert {a.account_number: (a.version, a.updated_at) for a in Account.objects.all()} == before
    writes = [q["sql"] for q in sales.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert writes == []


def test_a_changed_customer_updates_its_account_like_a_save_would():
    customer, other = _customers(2)
    account_upsert_from_commerce(
        account_number=customer.account_number, values={"name": "Stará nazwa", "city": "Brno"}
    )
    account = Account.objects.get(account_number=customer.account_number)
    OutboxMessage.objects.using("sales").all().delete()

    services.initial_sync_run(code=ACCOUNTS, actor="integrator")

    account.refresh_from_db()
    assert account.name == customer.name  # Commerce is the master
    assert account.city == ""
    assert account.version == 2
    folded = Account(name=customer.name)
    folded.derived_fields_set()
    assert account.company_name_key == folded.company_name_key  # refolded with the new name
    assert Account.objects.get(account_number=other.account_number).version == 1
    # Dual-write's own writes do not echo back.
    assert not OutboxMessage.objects.using("sales").exists()


def test_the_company_name_key_is_folded_for_bulk_created_accounts():
    (customer,) = _customers(1)
    services.initial_sync_run(code=ACCOUNTS, actor="integrator")
    account = Account.objects.get(account_number=customer.account_number)
    saved = Account(name=customer.name)
    saved.derived_fields_set()
    assert account.company_name_key == saved.company_name_key != ""


def test_sales_records_unknown_to_commerce_are_created_there_in_bulk():
    contact_upsert_from_commerce(
        contact_number="K-000001", values={"first_name": "Jiří", "last_name": "Nový"}
    )
    contact_upsert_from_commerce(
        contact_number="K-000002", values={"first_name": "Zofia", "last_name": "Żak"}
    )
    OutboxMessage.objects.using("sales").all().delete()

    services.initial_sync_run(code=CONTACTS, actor="integrator")

    person = Customer.objects.get(account_number="K-000001")
    assert (person.party_type, person.name) == ("person", "Jiří Nový")
    assert Customer.objects.get(account_number="K-000002").name == "Zofia Żak"
    assert Contact.objects.count() == 2


def test_a_key_held_by_the_other_party_type_is_refused_and_nothing_is_written():
    CustomerFactory(account_number="K-000001", name="Organizace s.r.o.")

    with pytest.raises(NotAllowed):
        customers_upsert_many(
            party_type="person",
            values_by_account={
                "K-000002": {"first_name": "Jiří", "last_name": "Nový"},
                "K-000001": {"first_name": "Zofia", "last_name": "Żak"},
            },
        )

    assert Customer.objects.get(account_number="K-000001").party_type == "organization"
    assert not Customer.objects.filter(account_number="K-000002").exists()


def test_a_value_sales_refuses_stops_the_run_with_nothing_of_its_batch_written():
    _customers(3)
    CustomerFactory(account_number="C-000099", phone="not a phone")  # Sales checks phones

    with pytest.raises(ValidationError):
        services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=10)

    assert Account.objects.count() == 0
    assert MapState.objects.get(code=ACCOUNTS).initial_sync_done == 0


def test_a_step_reads_only_keys_where_the_target_already_has_the_records():
    for n in range(4):
        account_upsert_from_commerce(account_number=f"A-{n:06d}", values={"name": f"Firma {n}"})
    _customers(4)
    services.initial_sync_run(code=ACCOUNTS, actor="integrator")
    table_map = services.MAPS[ACCOUNTS]
    step = table_map.initial_sync[1]  # Sales → Commerce, only what Commerce lacks

    records, last, read = initial_sync._page(table_map, step, after=0, size=100)

    assert (records, read) == ([], 8)
    assert last == Account.objects.order_by("-pk").values_list("pk", flat=True)[0]


def test_solution_enable_queues_one_task_a_map_where_syncs_may_run_at_once(monkeypatch):
    sent = []
    monkeypatch.setattr(
        initial_sync, "task_send", lambda task, *args: sent.append((task.name, args))
    )

    initial_sync.solution_enable_queue(actor="integrator")

    if initial_sync.maps_sync_in_parallel():
        assert connections["sales"].vendor == "postgresql"
        assert sent == [(MAP_ENABLE_TASK, (code, "integrator")) for code in services.MAPS]
    else:
        assert connections["sales"].vendor == "sqlite"
        assert sent == []  # every map synced in turn, here
        assert not MapState.objects.exclude(state=MapState.State.RUNNING).exists()


def test_a_person_hq_created_with_only_a_name_keeps_it_when_other_fields_arrive():
    from commerce.services import customer_upsert

    CustomerFactory(account_number="K-000009", party_type="person", name="Ing. Jana Malá")

    customer_upsert(
        account_number="K-000009", party_type="person", values={"email": "jana@mala.cz"}
    )

    person = Customer.objects.get(account_number="K-000009")
    assert (person.name, person.email) == ("Ing. Jana Malá", "jana@mala.cz")
