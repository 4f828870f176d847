"""The dual-write API for integration administrators (SPEC §10, issue 5)."""

import pytest
from rest_framework.test import APIClient

import commerce.services
from commerce.models import Customer
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from dualwrite.models import ConflictEntry, DeliveryError, MapState, OutboxMessage
from dualwrite.relay import outbox_relay
from sales.models import Account
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

API = "/api/dualwrite"
ACCOUNTS = "accounts_organization_customers"
ENDPOINTS = [
    ("get", f"{API}/maps/"),
    ("get", f"{API}/maps/{ACCOUNTS}/"),
    ("post", f"{API}/maps/{ACCOUNTS}/pause/"),
    ("post", f"{API}/maps/{ACCOUNTS}/resume/"),
    ("post", f"{API}/maps/{ACCOUNTS}/initial-sync/"),
    ("post", f"{API}/maps/enable/"),
    ("get", f"{API}/errors/"),
    ("get", f"{API}/errors/1/"),
    ("post", f"{API}/errors/1/retry/"),
    ("post", f"{API}/errors/retry-all/"),
    ("post", f"{API}/errors/1/skip/"),
    ("get", f"{API}/conflicts/"),
]


@pytest.fixture(autouse=True)
def _integration_on(settings, dualwrite_running):
    settings.SALES_INTEGRATION_ENABLED = True


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(
        UserFactory(username="ivo.integrator", groups=[INTEGRATION_ADMINISTRATORS])
    )
    return client


def _state(code: str = ACCOUNTS) -> MapState:
    return MapState.objects.get(code=code)


def _failing_accounts(monkeypatch, *numbers: str) -> list[DeliveryError]:
    monkeypatch.setattr(
        commerce.services,
        "customer_upsert",
        lambda **kwargs: (_ for _ in ()).throw(ValueError("HQ refuses this account")),
    )
    for number in numbers:
        Account.objects.create(account_number=number, name=f"Firma {number}", country="PL")
    outbox_relay(source="sales")
    monkeypatch.undo()
    return list(DeliveryError.objects.order_by("record_key"))


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("groups", [[COMMERCE_BACK_OFFICE], [SALES_REPRESENTATIVES]])
def test_only_integration_administrators_use_the_api(groups):
    client = APIClient()
    client.force_authenticate(UserFactory(groups=groups))

    statuses = {
        url: getattr(client, method)(url, {"reason": "x"}, format="json").status_code
        for method, url in ENDPOINTS
    }

    assert set(statuses.values()) == {403}, statuses
    assert _state().state == MapState.State.RUNNING


def test_anonymous_is_refused():
    response = APIClient().post(f"{API}/maps/{ACCOUNTS}/pause/")

    assert response.status_code in (401, 403)
    assert _state().state == MapState.State.RUNNING


# --- maps -------------------------------------------------------------------------------------


def test_map_list_reports_state_backlog_lag_and_errors(api, monkeypatch):
    _failing_accounts(monkeypatch, "A-000501")
    MapState.objects.filter(code=ACCOUNTS).update(state=MapState.State.PAUSED)
    Account.objects.create(account_number="A-000502", name="Queued", country="PL")

    maps = {row["code"]: row for row in api.get(f"{API}/maps/").json()}

    accounts = maps[ACCOUNTS]
    assert accounts["name"] == "Accounts ⇄ organization customers"
    assert (accounts["state"], accounts["backlog"], accounts["open_errors"]) == ("paused", 2, 1)
    assert accounts["lag_seconds"] >= 0
    assert "HQ refuses this account" in accounts["last_error"]
    assert accounts["alert_raised"] is False
    assert maps["prospects_to_leads"]["backlog"] == 0
    assert maps["prospects_to_leads"]["lag_seconds"] is None
    assert set(maps) == {
        "prospects_to_leads",
        "lead_status_to_prospects",
        "opportunity_status_to_prospects",
        ACCOUNTS,
        "contacts_person_customers",
    }


def test_map_detail_and_unknown_map(api):
    MapState.objects.filter(code=ACCOUNTS).update(alert_errors=7)

    detail = api.get(f"{API}/maps/{ACCOUNTS}/").json()
    unknown = api.get(f"{API}/maps/no_such_map/")

    assert (detail["code"], detail["state"], detail["alert_errors"]) == (ACCOUNTS, "running", 7)
    assert detail["initial_sync_percent"] == 0
    assert unknown.status_code == 404 and "no_such_map" in unknown.json()["detail"]


def test_pause_and_resume_change_the_map_state(api):
    paused = api.post(f"{API}/maps/{ACCOUNTS}/pause/")
    assert paused.status_code == 200 and paused.json()["state"] == "paused"
    assert _state().state == MapState.State.PAUSED
    assert _state().changed_by == "ivo.integrator"

    again = api.post(f"{API}/maps/{ACCOUNTS}/pause/")
    assert again.status_code == 409 and again.json()["code"] == "not_running"

    resumed = api.post(f"{API}/maps/{ACCOUNTS}/resume/")
    assert resumed.status_code == 200 and resumed.json()["state"] == "running"
    assert _state().state == MapState.State.RUNNING

    refused = api.post(f"{API}/maps/{ACCOUNTS}/resume/")
    assert refused.status_code == 409 and "Only a paused map" in refused.json()["detail"]
    assert api.post(f"{API}/maps/no_such_map/pause/").status_code == 404


def test_initial_sync_is_queued_and_copies_the_records(api, django_capture_on_commit_callbacks):
    MapState.objects.filter(code=ACCOUNTS).update(state=MapState.State.NOT_RUNNING)
    for n in range(3):
        CustomerFactory(account_number=f"C-00001{n}")

    with django_capture_on_commit_callbacks(using="default", execute=True):
        response = api.post(f"{API}/maps/{ACCOUNTS}/initial-sync/")

    assert response.status_code == 202
    assert response.json() == {"maps": [ACCOUNTS], "queued": True}
    assert _state().state == MapState.State.RUNNING
    assert _state().initial_sync_finished_at is not None
    assert Account.objects.filter(account_number__startswith="C-00001").count() == 3
    assert api.get(f"{API}/maps/{ACCOUNTS}/").json()["initial_sync_percent"] == 100


def test_initial_sync_of_a_paused_or_unknown_map_is_refused(
    api, django_capture_on_commit_callbacks
):
    MapState.objects.filter(code=ACCOUNTS).update(state=MapState.State.PAUSED)

    with django_capture_on_commit_callbacks(using="default") as queued:
        paused = api.post(f"{API}/maps/{ACCOUNTS}/initial-sync/")
        unknown = api.post(f"{API}/maps/no_such_map/initial-sync/")

    assert paused.status_code == 409 and paused.json()["code"] == "paused"
    assert unknown.status_code == 404
    assert queued == []


def test_enable_registers_syncs_and_starts_every_map(api, django_capture_on_commit_callbacks):
    MapState.objects.all().delete()
    CustomerFactory(account_number="C-000020", name="Organizace Žluťoučký")

    with django_capture_on_commit_callbacks(using="default", execute=True):
        response = api.post(f"{API}/maps/enable/")

    assert response.status_code == 202
    assert ACCOUNTS in response.json()["maps"] and len(response.json()["maps"]) == 5
    assert set(MapState.objects.values_list("state", flat=True)) == {MapState.State.RUNNING}
    assert Account.objects.get(account_number="C-000020").name == "Organizace Žluťoučký"


def test_enabling_while_the_task_queue_is_down_is_refused_with_why(
    monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from core.errors import Unavailable
    from dualwrite import services
    from dualwrite.tasks import solution_enable

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(solution_enable, "apply_async", refuse)
    # The task is sent when the registration commits (at once, in a request), and refused.
    with (
        pytest.raises(Unavailable) as refused,
        django_capture_on_commit_callbacks(using="default", execute=True),
    ):
        services.solution_enable_request(actor="ewa")
    assert refused.value.status_code == 503 and refused.value.code == "queue_unavailable"


# --- error log --------------------------------------------------------------------------------


def test_error_list_filters_and_detail(api, monkeypatch):
    _, second = _failing_accounts(monkeypatch, "A-000601", "A-000602")
    DeliveryError.objects.filter(pk=second.pk).update(state=DeliveryError.State.RESOLVED)

    open_errors = api.get(f"{API}/errors/", {"map": ACCOUNTS}).json()
    resolved = api.get(f"{API}/errors/", {"state": "resolved"}).json()
    other_map = api.get(f"{API}/errors/", {"map": "prospects_to_leads"}).json()
    detail = api.get(f"{API}/errors/{second.pk}/").json()

    assert [row["record_key"] for row in open_errors["results"]] == ["A-000601"]
    assert open_errors["results"][0]["payload"]["name"] == "Firma A-000601"
    assert open_errors["results"][0]["attempts"] == 1
    assert [row["record_key"] for row in resolved["results"]] == ["A-000602"]
    assert other_map["count"] == 0
    assert (detail["record_key"], detail["state"], detail["source"]) == (
        "A-000602",
        "resolved",
        "sales",
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{API}/errors/?state=bogus", 400),
        (f"{API}/errors/?map=no_such_map", 400),
        (f"{API}/errors/abc/", 404),
        (f"{API}/errors/99999999999999999999999/", 404),
        (f"{API}/conflicts/?record_key=a%0Ab", 400),
    ],
)
def test_bad_query_answers_with_a_client_error(api, url, status):
    assert api.get(url).status_code == status


def test_retry_one_error_delivers_it(api, monkeypatch):
    error, _ = _failing_accounts(monkeypatch, "A-000701", "A-000702")

    response = api.post(f"{API}/errors/{error.pk}/retry/")
    outbox_relay(source="sales")

    assert response.status_code == 200 and response.json()["resolved_by"] == "ivo.integrator"
    assert Customer.objects.filter(account_number="A-000701").exists()
    assert not Customer.objects.filter(account_number="A-000702").exists()
    error.refresh_from_db()
    assert error.state == DeliveryError.State.RESOLVED
    again = api.post(f"{API}/errors/{error.pk}/retry/")
    assert again.status_code == 409
    assert api.post(f"{API}/errors/999999/retry/").status_code == 404


def test_retry_all_of_one_map(api, monkeypatch):
    _failing_accounts(monkeypatch, "A-000801", "A-000802")

    other = api.post(f"{API}/errors/retry-all/?map=prospects_to_leads")
    response = api.post(f"{API}/errors/retry-all/?map={ACCOUNTS}")
    outbox_relay(source="sales")

    assert other.json() == {"retried": 0}
    assert response.json() == {"retried": 2}
    assert Customer.objects.filter(account_number__in=["A-000801", "A-000802"]).count() == 2
    assert api.post(f"{API}/errors/retry-all/?map=bogus").status_code == 400


def test_skip_needs_a_reason_and_is_recorded(api, monkeypatch):
    (error,) = _failing_accounts(monkeypatch, "A-000901")

    missing = api.post(f"{API}/errors/{error.pk}/skip/", {}, format="json")
    blank = api.post(f"{API}/errors/{error.pk}/skip/", {"reason": "  "}, format="json")
    skipped = api.post(
        f"{API}/errors/{error.pk}/skip/", {"reason": "Duplicitní účet"}, format="json"
    )

    assert missing.status_code == 400 and "reason" in missing.json()
    assert blank.status_code == 400
    assert skipped.status_code == 200
    assert (skipped.json()["state"], skipped.json()["resolution"]) == ("skipped", "Duplicitní účet")
    message = OutboxMessage.objects.using("sales").get(message_id=error.message_id)
    assert message.state == OutboxMessage.State.SKIPPED
    assert (
        api.post(f"{API}/errors/{error.pk}/skip/", {"reason": "again"}, format="json").status_code
        == 409
    )


# --- conflicts --------------------------------------------------------------------------------


def test_conflicts_filter_by_record_key(api):
    for key in ("A-001001", "A-001002"):
        ConflictEntry.objects.create(
            map=ACCOUNTS,
            record_key=key,
            rule="commerce",
            winner="commerce",
            incoming_side="sales",
            field="name",
            incoming_value="Sales name",
            local_value="HQ name",
            resolved_value="HQ name",
        )

    rows = api.get(f"{API}/conflicts/", {"record_key": "A-001002"}).json()["results"]

    assert [row["record_key"] for row in rows] == ["A-001002"]
    assert (rows[0]["field"], rows[0]["incoming_value"], rows[0]["local_value"]) == (
        "name",
        "Sales name",
        "HQ name",
    )
    assert (rows[0]["winner"], rows[0]["resolved_value"]) == ("commerce", "HQ name")
