"""Running and repairing dual-write: pause/resume, error log, alerts, initial sync (issue 5)."""

import pytest
from django.core import mail
from django.core.management import call_command

import commerce.services
from commerce.models import Customer
from core.access import INTEGRATION_ADMINISTRATORS
from core.errors import NotAllowed
from dualwrite import services
from dualwrite.models import DeliveryError, MapState, OutboxMessage
from dualwrite.relay import outbox_relay
from dualwrite.selectors import map_status_list
from dualwrite.services import initial_sync
from sales.models import Account, Contact, Lead
from sales.services import account_upsert_from_commerce
from tests.factories import CustomerFactory, ProspectFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ACCOUNTS = "accounts_organization_customers"


@pytest.fixture(autouse=True)
def _integration_on(settings, dualwrite_running):
    settings.SALES_INTEGRATION_ENABLED = True


def _relay_all() -> None:
    for source in ("commerce", "sales"):
        outbox_relay(source=source)


def _state(code: str) -> MapState:
    return MapState.objects.get(code=code)


def test_paused_map_queues_changes_from_both_sides_and_replays_them_in_order_once():
    account = Account.objects.create(account_number="A-000100", name="v1", country="CZ")
    _relay_all()
    services.map_pause(code=ACCOUNTS, actor="integrator")

    for name in ("v2 sales", "v3 sales"):
        account.name = name
        account.save()
    commerce.services.customer_upsert(
        account_number="A-000200", party_type="organization", values={"name": "HQ only Łódź"}
    )
    ProspectFactory()
    commerce.services.prospects_create(rows=[])
    _relay_all()

    assert Customer.objects.get(account_number="A-000100").name == "v1"
    assert not Account.objects.filter(account_number="A-000200").exists()
    status = {s.code: s for s in map_status_list()}
    assert status[ACCOUNTS].state == "paused"
    assert status[ACCOUNTS].backlog == 3
    assert status[ACCOUNTS].lag_seconds is not None

    services.map_resume(code=ACCOUNTS, actor="integrator")
    _relay_all()

    assert Customer.objects.get(account_number="A-000100").name == "v3 sales"
    assert Account.objects.get(account_number="A-000200").name == "HQ only Łódź"
    assert Customer.objects.filter(account_number="A-000100").count() == 1
    assert _state(ACCOUNTS).delivered_count == 4
    assert map_status_list()[3].backlog == 0


def test_pausing_one_map_leaves_the_others_running():
    services.map_pause(code=ACCOUNTS, actor="integrator")
    (prospect,) = commerce.services.prospects_create(
        rows=[{**_party(), "email": "x@lodz.example.pl"}]
    )
    _relay_all()
    assert Lead.objects.filter(prospect_number=prospect.prospect_number).exists()


def _party() -> dict:
    from tests.factories import PARTY_DEFAULTS

    return dict(PARTY_DEFAULTS)


def test_only_a_running_map_pauses_and_only_a_paused_one_resumes():
    with pytest.raises(NotAllowed):
        services.map_resume(code=ACCOUNTS, actor="integrator")
    services.map_pause(code=ACCOUNTS, actor="integrator")
    with pytest.raises(NotAllowed):
        services.map_pause(code=ACCOUNTS, actor="integrator")


def test_rejected_record_is_logged_alerts_pauses_and_is_delivered_after_retry_all(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DUALWRITE_MAX_ATTEMPTS = 100
    UserFactory(email="ops@example.com", groups=[INTEGRATION_ADMINISTRATORS])
    MapState.objects.filter(code=ACCOUNTS).update(alert_errors=3, alert_minutes=5)
    real_upsert = commerce.services.customer_upsert
    monkeypatch.setattr(
        commerce.services,
        "customer_upsert",
        lambda **kwargs: (_ for _ in ()).throw(ValueError("HQ refuses this account")),
    )
    for number in ("A-000301", "A-000302", "A-000303"):
        Account.objects.create(account_number=number, name=f"Firma {number}", country="PL")

    with django_capture_on_commit_callbacks(using="default", execute=True):
        outbox_relay(source="sales")  # three failures: the third trips the alert rule

    errors = DeliveryError.objects.order_by("record_key")
    assert [e.record_key for e in errors] == ["A-000301", "A-000302", "A-000303"]
    first = errors[0]
    assert "HQ refuses this account" in first.error
    assert first.attempts == 1 and first.next_retry_at is not None
    assert first.payload["name"] == "Firma A-000301"
    state = _state(ACCOUNTS)
    assert state.state == MapState.State.PAUSED and state.alert_raised_at is not None
    (alert,) = mail.outbox
    assert alert.to == ["ops@example.com"]
    assert ACCOUNTS in alert.subject and "HQ refuses this account" in alert.body

    monkeypatch.setattr(commerce.services, "customer_upsert", real_upsert)  # the cause is fixed
    assert services.delivery_errors_retry_all(actor="integrator") == 3
    services.map_resume(code=ACCOUNTS, actor="integrator")
    _relay_all()

    assert set(Customer.objects.values_list("account_number", flat=True)) == {
        "A-000301",
        "A-000302",
        "A-000303",
    }
    assert set(DeliveryError.objects.values_list("state", flat=True)) == {"resolved"}
    assert _state(ACCOUNTS).alert_raised_at is None


def test_skipping_a_change_unblocks_its_record(monkeypatch):
    real_upsert = commerce.services.customer_upsert
    monkeypatch.setattr(
        commerce.services,
        "customer_upsert",
        lambda **kwargs: (_ for _ in ()).throw(ValueError("bad first version")),
    )
    account = Account.objects.create(account_number="A-000400", name="bad", country="PL")
    outbox_relay(source="sales")
    monkeypatch.setattr(commerce.services, "customer_upsert", real_upsert)
    account.name = "good"
    account.save()
    outbox_relay(source="sales")
    assert not Customer.objects.filter(account_number="A-000400").exists()  # held back

    error = DeliveryError.objects.get()
    with pytest.raises(Exception, match="reason"):
        services.delivery_error_skip(error_id=error.pk, reason=" ", actor="integrator")
    services.delivery_error_skip(error_id=error.pk, reason="obsolete value", actor="integrator")
    OutboxMessage.objects.using("sales").update(next_attempt_at=None)
    outbox_relay(source="sales")

    assert Customer.objects.get(account_number="A-000400").name == "good"
    error.refresh_from_db()
    assert (error.state, error.resolution, error.resolved_by) == (
        "skipped",
        "obsolete value",
        "integrator",
    )


def test_initial_sync_copies_existing_records_with_commerce_as_master():
    MapState.objects.update(state=MapState.State.NOT_RUNNING)
    settings_off_customers = [
        CustomerFactory(account_number=f"C-{n:06d}", name=f"Organizace {n} Žluťoučký")
        for n in range(1, 8)
    ]
    CustomerFactory(
        account_number="C-900001",
        party_type="person",
        first_name="Jiří",
        last_name="Nový",
        name="Jiří Nový",
    )
    account_upsert_from_commerce(
        account_number="C-000001", values={"name": "Sales copy"}, prospect_number=""
    )
    account_upsert_from_commerce(
        account_number="A-777777", values={"name": "Only in Sales"}, prospect_number=""
    )
    OutboxMessage.objects.using("sales").all().delete()

    state = services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=3)

    assert state.state == MapState.State.RUNNING
    assert state.initial_sync_done == state.initial_sync_total
    assert state.initial_sync_percent == 100
    assert Account.objects.get(account_number="C-000001").name == settings_off_customers[0].name
    assert Account.objects.count() == 8
    assert Customer.objects.get(account_number="A-777777").name == "Only in Sales"
    services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=3)  # re-run
    assert Account.objects.count() == 8
    assert Customer.objects.filter(party_type="organization").count() == 8

    call_command("dualwrite", "initial-sync", "contacts_person_customers")
    assert Contact.objects.get(contact_number="C-900001").first_name == "Jiří"


def test_initial_sync_resumes_after_a_crash_without_duplicates(monkeypatch):
    MapState.objects.update(state=MapState.State.NOT_RUNNING)
    for n in range(10):
        CustomerFactory(account_number=f"C-{n:06d}")
    real_batch = initial_sync._batch_apply
    batches = []

    def crash_on_third(*args):
        batches.append(args)
        if len(batches) == 3:
            raise SystemExit("worker killed")
        return real_batch(*args)

    monkeypatch.setattr(initial_sync, "_batch_apply", crash_on_third)
    with pytest.raises(SystemExit):
        services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=3)
    state = _state(ACCOUNTS)
    assert state.state == MapState.State.INITIALIZING
    assert state.initial_sync_done == 6
    assert Account.objects.count() == 6

    monkeypatch.setattr(initial_sync, "_batch_apply", real_batch)
    state = services.initial_sync_run(code=ACCOUNTS, actor="integrator", batch_size=3)

    assert state.state == MapState.State.RUNNING
    assert state.initial_sync_done == state.initial_sync_total
    assert Account.objects.count() == 10


def test_prospects_that_predate_the_integration_get_their_lead():
    MapState.objects.update(state=MapState.State.NOT_RUNNING)
    waiting = ProspectFactory()
    decided = ProspectFactory()
    decided.reject(by="backoffice", reason="Out of area")
    decided.save()

    call_command("dualwrite", "enable", "prospects_to_leads")

    assert Lead.objects.filter(prospect_number=waiting.prospect_number).exists()
    assert not Lead.objects.filter(prospect_number=decided.prospect_number).exists()
    assert _state("prospects_to_leads").state == MapState.State.RUNNING


def test_status_command_lists_every_map(capsys):
    call_command("dualwrite", "status")
    out = capsys.readouterr().out
    for code in services.MAPS:
        assert code in out
