"""SALES_INTEGRATION_ENABLED=false: every map shows off and delivers nothing, its changes wait;
turned on, they go out by themselves (SPEC §3 step 9)."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation
from django_celery_beat.models import PeriodicTask

import core.kicks
from commerce.models import Customer
from core.access import INTEGRATION_ADMINISTRATORS
from core.errors import NotAllowed
from core.schedules import register_periodic_tasks
from dualwrite import services
from dualwrite.maps import MAPS, source_aliases
from dualwrite.models import MapState, OutboxMessage
from dualwrite.relay import outbox_relay
from dualwrite.selectors import map_status_list
from sales.models import Account
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ACCOUNTS = "accounts_organization_customers"
OFF_LABEL = "Off (Sales integration disabled)"


@pytest.fixture(autouse=True)
def _maps_running(dualwrite_running):
    """The maps were enabled while the integration was on; the tests' default turns it off."""


def _states() -> dict[str, tuple[str, str]]:
    return {status.code: (status.state, status.state_display) for status in map_status_list()}


# --- map states -------------------------------------------------------------------------------


def test_every_map_shows_off_while_the_integration_is_off_and_its_own_state_once_on(settings):
    MapState.objects.filter(code=ACCOUNTS).update(state=MapState.State.PAUSED)

    assert _states() == {code: ("off", OFF_LABEL) for code in MAPS}
    with translation.override("pl"):
        assert _states()[ACCOUNTS] == ("off", "Wyłączona (integracja z Sales wyłączona)")

    settings.SALES_INTEGRATION_ENABLED = True
    states = _states()
    assert states[ACCOUNTS] == ("paused", "Paused")
    assert {state for code, (state, _) in states.items() if code != ACCOUNTS} == {"running"}
    # Nothing was written: the maps' own states are kept for when it is on.
    assert MapState.objects.filter(state=MapState.State.RUNNING).count() == len(MAPS) - 1


def test_running_map_codes_is_empty_while_off(settings):
    assert services.running_map_codes() == []

    settings.SALES_INTEGRATION_ENABLED = True
    assert sorted(services.running_map_codes()) == sorted(MAPS)


def test_changes_made_while_off_wait_and_go_out_once_it_is_on(settings):
    Account.objects.create(account_number="A-000700", name="Zielona Góra sp. z o.o.", country="PL")
    assert OutboxMessage.objects.using("sales").filter(state="pending").exists()

    result = outbox_relay(source="sales")

    assert (result["delivered"], result["more"], result["retry_in"]) == (0, False, None)
    assert not Customer.objects.filter(account_number="A-000700").exists()
    assert not OutboxMessage.objects.using("sales").exclude(state="pending").exists()
    backlog = {status.code: status.backlog for status in map_status_list()}
    assert backlog[ACCOUNTS] >= 1

    settings.SALES_INTEGRATION_ENABLED = True
    outbox_relay(source="sales")

    assert Customer.objects.get(account_number="A-000700").name == "Zielona Góra sp. z o.o."
    assert not OutboxMessage.objects.using("sales").filter(state="pending").exists()


@pytest.mark.parametrize(
    "command",
    [
        lambda: services.map_pause(code=ACCOUNTS, actor="ivo"),
        lambda: services.map_resume(code=ACCOUNTS, actor="ivo"),
        lambda: services.initial_sync_run(code=ACCOUNTS, actor="ivo"),
        lambda: services.initial_sync_request(code=ACCOUNTS, actor="ivo"),
        lambda: services.map_enable(code=ACCOUNTS, actor="ivo"),
        lambda: services.solution_enable_request(actor="ivo"),
    ],
    ids=["pause", "resume", "initial sync", "initial sync request", "enable", "solution enable"],
)
def test_running_or_repairing_a_map_is_refused_while_off(command):
    with pytest.raises(NotAllowed) as refused:
        command()

    assert refused.value.code == "integration_off"
    assert "SALES_INTEGRATION_ENABLED=false" in str(refused.value.message)
    assert set(MapState.objects.values_list("state", flat=True)) == {MapState.State.RUNNING}


# --- API and console --------------------------------------------------------------------------


@pytest.fixture
def integrator(client):
    client.force_login(
        UserFactory(username="ivo.integrator", is_staff=False, groups=[INTEGRATION_ADMINISTRATORS])
    )
    return client


def test_the_api_lists_the_maps_as_off_and_refuses_to_pause(integrator):
    maps = integrator.get("/api/dualwrite/maps/").json()
    assert {(row["state"], row["state_display"]) for row in maps} == {("off", OFF_LABEL)}
    detail = integrator.get(f"/api/dualwrite/maps/{ACCOUNTS}/").json()
    assert detail["state"] == "off"

    paused = integrator.post(f"/api/dualwrite/maps/{ACCOUNTS}/pause/")

    assert paused.status_code == 409
    assert paused.json()["code"] == "integration_off"


def test_the_api_shows_the_true_state_once_on(integrator, settings):
    settings.SALES_INTEGRATION_ENABLED = True

    detail = integrator.get(f"/api/dualwrite/maps/{ACCOUNTS}/").json()

    assert (detail["state"], detail["state_display"]) == ("running", "Running")


def test_the_console_shows_the_maps_off_with_a_banner_and_no_buttons(integrator):
    state = MapState.objects.get(code=ACCOUNTS)

    listing = integrator.get("/hq/dualwrite/mapstate/").content.decode()
    page = integrator.get(f"/hq/dualwrite/mapstate/{state.pk}/change/").content.decode()

    for html in (listing, page):
        assert OFF_LABEL in html
        assert 'id="integration-off"' in html
    assert "/enable/" not in listing
    assert "/pause/" not in page and "/initial-sync/" not in page


def test_the_console_offers_the_buttons_once_on(integrator, settings):
    settings.SALES_INTEGRATION_ENABLED = True
    state = MapState.objects.get(code=ACCOUNTS)

    page = integrator.get(f"/hq/dualwrite/mapstate/{state.pk}/change/").content.decode()

    assert OFF_LABEL not in page and 'id="integration-off"' not in page
    assert "/pause/" in page


# --- manage.py dualwrite ----------------------------------------------------------------------


def _command(*args: str) -> str:
    out = StringIO()
    call_command("dualwrite", *args, stdout=out)
    return out.getvalue()


def test_status_says_whether_the_integration_is_on(settings):
    off = _command("status")
    assert off.splitlines()[0] == "Sales integration: off"
    assert all(f"{code} " in off for code in MAPS)
    assert "running" not in off

    settings.SALES_INTEGRATION_ENABLED = True
    on = _command("status")
    assert on.splitlines()[0] == "Sales integration: on"
    assert "running" in on


def test_enable_while_off_is_no_error_and_changes_nothing():
    out = _command("enable")

    assert "Sales integration: off" in out
    assert set(MapState.objects.values_list("state", flat=True)) == {MapState.State.RUNNING}


def test_pause_while_off_is_a_clear_command_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="SALES_INTEGRATION_ENABLED=false"):
        _command("pause", ACCOUNTS)


# --- /health/ ---------------------------------------------------------------------------------


def test_health_reports_the_integration_and_waiting_while_off_is_no_error(client, settings):
    Account.objects.create(account_number="A-000701", name="Opole sp. z o.o.", country="PL")
    OutboxMessage.objects.using("sales").update(
        created_at="2020-01-01T00:00:00Z"  # waiting for years
    )

    off = client.get("/health/")

    assert off.status_code == 200, off.content
    body = off.json()
    assert (body["status"], body["sales_integration"]) == ("ok", "off")
    assert body["dualwrite"]["status"] == "off"
    assert body["dualwrite"]["lag_seconds"] > 3600

    settings.SALES_INTEGRATION_ENABLED = True
    on = client.get("/health/")

    assert on.status_code == 503
    assert (on.json()["sales_integration"], on.json()["dualwrite"]["status"]) == ("on", "lagging")


def test_health_with_the_integration_on_and_nothing_waiting_is_ok(client, settings):
    settings.SALES_INTEGRATION_ENABLED = True

    body = client.get("/health/").json()

    assert (body["status"], body["sales_integration"], body["dualwrite"]["status"]) == (
        "ok",
        "on",
        "ok",
    )


# --- turning it on: the relays run by themselves ----------------------------------------------


def test_each_source_has_one_relay_schedule_registered_idempotently():
    beat = apps.get_app_config("django_celery_beat")
    for _ in range(2):  # `migrate` runs it every time
        register_periodic_tasks(sender=beat, using="default")

    relays = PeriodicTask.objects.filter(task="dualwrite.outbox_relay")
    assert sorted(json.loads(task.args)[0] for task in relays) == sorted(source_aliases())
    assert all(task.enabled for task in relays)


def test_a_starting_worker_kicks_every_relay_once_the_integration_is_on(settings, monkeypatch):
    from celery.signals import worker_ready

    kicked = []
    monkeypatch.setattr(core.kicks, "task_kick", lambda task, *args: kicked.append((task, args)))

    worker_ready.send(sender=None)
    assert kicked == []  # off: nothing to deliver

    settings.SALES_INTEGRATION_ENABLED = True
    worker_ready.send(sender=None)
    assert sorted(args for _, args in kicked) == sorted((source,) for source in source_aliases())
    assert {task.name for task, _ in kicked} == {"dualwrite.outbox_relay"}
