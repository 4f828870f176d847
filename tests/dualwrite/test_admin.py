"""The HQ console's Dual-write section: table maps, error log and conflicts (issue 5)."""

import re
from datetime import datetime

import pytest
from django.utils import timezone

import commerce.services
from commerce.models import Customer
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from dualwrite.models import ConflictEntry, DeliveryError, MapState, OutboxMessage
from dualwrite.relay import outbox_relay
from sales.models import Account
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

ACCOUNTS = "accounts_organization_customers"
HQ = "/hq/dualwrite"
MAPS_URL = f"{HQ}/mapstate/"
ERRORS_URL = f"{HQ}/deliveryerror/"
CONFLICTS_URL = f"{HQ}/conflictentry/"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _integration_on(settings, dualwrite_running):
    settings.SALES_INTEGRATION_ENABLED = True


@pytest.fixture
def integration_admin(client):
    # No staff flag and no model permissions: the group alone opens the Dual-write section.
    user = UserFactory(
        username="ivo.integrator", is_staff=False, groups=[INTEGRATION_ADMINISTRATORS]
    )
    client.force_login(user)
    return client


@pytest.fixture
def back_office(client):
    client.force_login(UserFactory(username="ewa.backoffice", groups=[COMMERCE_BACK_OFFICE]))
    return client


def _state(code: str = ACCOUNTS) -> MapState:
    return MapState.objects.get(code=code)


def _cell(page: str, row_text: str, column: str) -> str:
    """The text of one column in the list row that mentions `row_text`."""
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if row_text in r)
    return re.search(rf'<td class="field-{column}[^"]*">(.*?)</td>', row, re.S).group(1)


def _failing_accounts(monkeypatch, *names: str) -> list[DeliveryError]:
    """Accounts Commerce refuses: the relay logs one error for each."""
    monkeypatch.setattr(
        commerce.services,
        "customer_upsert",
        lambda **kwargs: (_ for _ in ()).throw(ValueError("HQ refuses <b>this</b> account")),
    )
    for number, name in enumerate(names, start=500):
        Account.objects.create(account_number=f"A-000{number}", name=name, country="PL")
    outbox_relay(source="sales")
    monkeypatch.undo()  # the cause is fixed; the errors stay until retried
    return list(DeliveryError.objects.order_by("record_key"))


def _relay_all() -> None:
    for source in ("commerce", "sales"):
        outbox_relay(source=source)


# --- access -----------------------------------------------------------------------------------


def test_integration_admin_signs_in_and_sees_only_the_dual_write_section(client):
    UserFactory(username="ivo.integrator", is_staff=False, groups=[INTEGRATION_ADMINISTRATORS])

    response = client.post(
        "/hq/login/?next=/hq/", {"username": "ivo.integrator", "password": PASSWORD}
    )
    index = client.get("/hq/").content.decode()

    assert response.status_code == 302 and response["Location"] == "/hq/"
    assert "Dual-write" in index and "Table maps" in index and "Error log" in index
    assert "All prospects" not in index and "Job runs" not in index
    assert client.get("/hq/commerce/prospect/").status_code == 403
    assert client.get("/hq/commerce/jobrun/").status_code == 403


def test_back_office_sees_map_status_read_only(back_office):
    page = back_office.get(MAPS_URL).content.decode()
    detail = back_office.get(f"{MAPS_URL}{_state().pk}/change/").content.decode()

    assert "Accounts ⇄ organization customers" in page
    assert "Enable Commerce solution" not in page
    assert 'name="action"' not in page  # no pause/resume actions
    assert "Master for initial sync" in detail
    assert ">Pause<" not in detail and 'name="alert_errors"' not in detail


def test_back_office_cannot_pause_a_map_or_open_the_error_log(back_office):
    response = back_office.post(f"{MAPS_URL}{_state().pk}/pause/")
    changed = back_office.post(
        f"{MAPS_URL}{_state().pk}/change/", {"alert_errors": 1, "alert_minutes": 1}
    )

    assert response.status_code == 403
    assert changed.status_code == 403
    assert _state().state == MapState.State.RUNNING and _state().alert_errors == 5
    assert back_office.get(ERRORS_URL).status_code == 403
    assert back_office.get(CONFLICTS_URL).status_code == 403
    assert "Error log" not in back_office.get("/hq/").content.decode()


@pytest.mark.parametrize("groups", [[SALES_REPRESENTATIVES], []])
def test_sales_rep_and_other_users_are_sent_to_the_hq_login(client, groups):
    client.force_login(UserFactory(groups=groups))

    response = client.post(f"{MAPS_URL}{_state().pk}/pause/")

    assert response.status_code == 302 and response["Location"].startswith("/hq/login/")
    assert _state().state == MapState.State.RUNNING
    assert client.get(MAPS_URL)["Location"].startswith("/hq/login/")


def test_sales_rep_cannot_sign_in_at_hq(client):
    UserFactory(username="jan.rep", groups=[SALES_REPRESENTATIVES])

    page = client.post("/hq/login/", {"username": "jan.rep", "password": PASSWORD})

    assert "Commerce HQ account" in page.content.decode()
    assert "_auth_user_id" not in client.session


# --- table maps -------------------------------------------------------------------------------


def test_map_list_shows_backlog_lag_errors_and_alert(integration_admin, monkeypatch):
    _failing_accounts(monkeypatch, "Firma Łódź")
    MapState.objects.filter(code=ACCOUNTS).update(
        state=MapState.State.PAUSED, alert_raised_at=timezone.now(), alert_errors=3
    )
    for n in range(2):  # queued while paused
        Account.objects.create(account_number=f"A-00060{n}", name=f"Nowa {n}", country="PL")

    page = integration_admin.get(MAPS_URL).content.decode()

    assert _cell(page, "Accounts ⇄ organization customers", "backlog") == "3"
    assert _cell(page, "Accounts ⇄ organization customers", "map_state") == "Paused"
    assert "second" in _cell(page, "Accounts ⇄ organization customers", "lag")
    assert ">1</a>" in _cell(page, "Accounts ⇄ organization customers", "open_errors")
    assert "HQ refuses &lt;b&gt;this&lt;/b&gt;" in page
    assert "Alert: paused after 3 errors" in page
    assert _cell(page, "Prospects → leads", "backlog") == "0"
    assert "Enable Commerce solution" in page


def test_pause_and_resume_from_the_map_page(integration_admin):
    url = f"{MAPS_URL}{_state().pk}"

    paused = integration_admin.post(f"{url}/pause/", follow=True).content.decode()
    assert _state().state == MapState.State.PAUSED
    assert _state().changed_by == "ivo.integrator"
    assert "is paused" in paused and ">Resume<" in paused

    Account.objects.create(account_number="A-000700", name="Waits", country="PL")
    _relay_all()
    assert not Customer.objects.filter(account_number="A-000700").exists()

    refused = integration_admin.post(f"{url}/pause/", follow=True).content.decode()
    assert "Only a running map can be paused" in refused

    integration_admin.post(f"{url}/resume/")
    _relay_all()
    assert _state().state == MapState.State.RUNNING
    assert Customer.objects.get(account_number="A-000700").name == "Waits"


def test_pause_selected_maps_with_the_list_action(integration_admin):
    codes = [ACCOUNTS, "prospects_to_leads"]
    selected = MapState.objects.filter(code__in=codes).values_list("pk", flat=True)

    integration_admin.post(
        MAPS_URL, {"action": "pause_selected", "_selected_action": list(selected), "index": 0}
    )

    assert {_state(code).state for code in codes} == {MapState.State.PAUSED}
    assert _state("contacts_person_customers").state == MapState.State.RUNNING


def test_map_page_shows_the_declaration_and_edits_the_alert_rule(integration_admin):
    url = f"{MAPS_URL}{_state('contacts_person_customers').pk}/change/"

    page = integration_admin.get(url).content.decode()
    saved = integration_admin.post(
        url, {"alert_errors": 3, "alert_minutes": 15, "conflict_rule": "sales"}
    )
    refused = integration_admin.post(url, {"alert_errors": 0, "alert_minutes": 15})

    assert "Sales → Commerce" in page and "Commerce → Sales" in page
    assert "<code>contact_number</code> ↔ <code>account_number</code>" in page
    assert "Master for initial sync: <strong>Commerce</strong>" in page
    assert "Newest change wins" in page
    assert saved.status_code == 302
    state = _state("contacts_person_customers")
    assert (state.alert_errors, state.alert_minutes, state.conflict_rule) == (3, 15, "sales")
    assert state.state == MapState.State.RUNNING
    assert "greater than or equal to 1" in refused.content.decode()


def test_value_maps_are_shown_on_the_lead_status_map(integration_admin):
    page = integration_admin.get(
        f"{MAPS_URL}{_state('lead_status_to_prospects').pk}/change/"
    ).content.decode()

    assert "Value maps" in page
    assert "<code>no_longer_interested</code></td><td>No longer interested" in page


def test_enable_commerce_solution_syncs_in_the_worker_and_starts_every_map(
    integration_admin, django_capture_on_commit_callbacks
):
    MapState.objects.all().delete()
    CustomerFactory(account_number="C-000001", name="Organizace Žluťoučký")

    with django_capture_on_commit_callbacks(using="default", execute=True) as callbacks:
        response = integration_admin.post(f"{MAPS_URL}enable/", follow=True)

    assert len(callbacks) >= 1  # the sync was queued, not run in the request
    assert "The Commerce solution is being enabled" in response.content.decode()
    assert set(MapState.objects.values_list("state", flat=True)) == {MapState.State.RUNNING}
    assert Account.objects.get(account_number="C-000001").name == "Organizace Žluťoučký"
    page = integration_admin.get(MAPS_URL).content.decode()
    assert '<progress class="dualwrite-progress" value="100" max="100">' in page
    progress = _cell(page, "Accounts ⇄ organization customers", "initial_sync")
    assert re.search(r"100% \((\d+) of \1\)", progress)


def test_run_initial_sync_from_the_map_page(integration_admin, django_capture_on_commit_callbacks):
    MapState.objects.filter(code=ACCOUNTS).update(state=MapState.State.NOT_RUNNING)
    CustomerFactory(account_number="C-000002")

    with django_capture_on_commit_callbacks(using="default", execute=True):
        page = integration_admin.post(
            f"{MAPS_URL}{_state().pk}/initial-sync/", follow=True
        ).content.decode()

    assert "The initial sync of Accounts ⇄ organization customers is queued" in page
    assert _state().state == MapState.State.RUNNING
    assert _state().initial_sync_percent == 100
    assert Account.objects.filter(account_number="C-000002").exists()


def test_initial_sync_of_a_paused_map_is_refused_with_a_message(integration_admin):
    MapState.objects.filter(code=ACCOUNTS).update(state=MapState.State.PAUSED)

    page = integration_admin.post(
        f"{MAPS_URL}{_state().pk}/initial-sync/", follow=True
    ).content.decode()

    assert "Resume the map before running its initial sync" in page
    assert _state().initial_sync_started_at is None


# --- error log --------------------------------------------------------------------------------


def test_error_log_lists_a_failed_delivery_with_its_escaped_payload(integration_admin, monkeypatch):
    (error,) = _failing_accounts(monkeypatch, "<script>alert(1)</script> Łódź")

    page = integration_admin.get(f"{ERRORS_URL}?map={ACCOUNTS}").content.decode()
    detail = integration_admin.get(f"{ERRORS_URL}{error.pk}/change/").content.decode()
    other_map = integration_admin.get(f"{ERRORS_URL}?map=prospects_to_leads").content.decode()

    assert error.record_key in page
    assert "HQ refuses &lt;b&gt;this&lt;/b&gt; account" in _cell(page, error.record_key, "short")
    assert _cell(page, error.record_key, "attempts") == "1"
    assert error.record_key not in other_map
    assert "&quot;name&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt; Łódź&quot;" in detail
    assert "<script>alert(1)" not in detail
    assert ">Retry<" in detail and ">Skip …<" in detail


def test_retry_selected_errors_delivers_them_once_the_cause_is_fixed(
    integration_admin, monkeypatch
):
    errors = _failing_accounts(monkeypatch, "Firma A", "Firma B")

    integration_admin.post(
        ERRORS_URL,
        {"action": "retry_selected", "_selected_action": [errors[0].pk], "index": 0},
    )
    _relay_all()

    assert Customer.objects.filter(account_number=errors[0].record_key).exists()
    states = dict(DeliveryError.objects.values_list("record_key", "state"))
    assert states == {errors[0].record_key: "resolved", errors[1].record_key: "open"}


def test_retry_from_the_error_page(integration_admin, monkeypatch):
    (error,) = _failing_accounts(monkeypatch, "Firma C")

    integration_admin.post(ERRORS_URL, {"action": "retry_selected", "_selected_action": error.pk})

    message = OutboxMessage.objects.using("sales").get(message_id=error.message_id)
    assert (message.attempts, message.next_attempt_at) == (0, None)
    error.refresh_from_db()
    assert error.resolved_by == "ivo.integrator"


def test_retry_all_button_keeps_to_the_filtered_map(integration_admin, monkeypatch):
    _failing_accounts(monkeypatch, "Firma D", "Firma E")

    page = integration_admin.get(f"{ERRORS_URL}?map={ACCOUNTS}").content.decode()
    integration_admin.post(f"{ERRORS_URL}retry-all/", {"map": "prospects_to_leads"})
    untouched = OutboxMessage.objects.using("sales").filter(attempts=1).count()
    response = integration_admin.post(f"{ERRORS_URL}retry-all/", {"map": ACCOUNTS}, follow=True)

    assert "Retry all open errors of this map" in page
    assert f'name="map" value="{ACCOUNTS}"' in page
    assert untouched == 2
    assert "2 open errors are queued for delivery again" in response.content.decode()
    assert not OutboxMessage.objects.using("sales").filter(attempts__gt=0).exists()


def test_skip_asks_for_a_reason_then_skips_and_unblocks_the_record(integration_admin, monkeypatch):
    (error,) = _failing_accounts(monkeypatch, "Stará verze")
    account = Account.objects.get(account_number=error.record_key)
    account.name = "Nová verze"
    account.save()
    selected = {"action": "skip_selected", "_selected_action": error.pk}

    form = integration_admin.post(ERRORS_URL, selected).content.decode()
    no_reason = integration_admin.post(ERRORS_URL, {**selected, "apply": "yes", "reason": " "})
    integration_admin.post(ERRORS_URL, {**selected, "apply": "yes", "reason": "Zastaralá hodnota"})
    OutboxMessage.objects.using("sales").update(next_attempt_at=None)
    _relay_all()

    assert 'name="reason"' in form and error.record_key in form
    assert "This field is required" in no_reason.content.decode()
    error.refresh_from_db()
    assert (error.state, error.resolution, error.resolved_by) == (
        "skipped",
        "Zastaralá hodnota",
        "ivo.integrator",
    )
    assert Customer.objects.get(account_number=error.record_key).name == "Nová verze"


# --- conflicts --------------------------------------------------------------------------------


def test_conflict_page_shows_both_values_side_by_side(integration_admin):
    conflict = ConflictEntry.objects.create(
        map=ACCOUNTS,
        record_key="A-000900",
        rule="commerce",
        winner="commerce",
        incoming_side="sales",
        field="name",
        incoming_value="Jméno ze Sales",
        local_value="Name from <HQ>",
        resolved_value="Name from <HQ>",
    )

    listed = integration_admin.get(f"{CONFLICTS_URL}?q=A-000900").content.decode()
    page = integration_admin.get(f"{CONFLICTS_URL}{conflict.pk}/change/").content.decode()

    assert "A-000900" in listed and "Commerce wins" in listed
    assert "Incoming from Sales" in page and "On Commerce" in page
    assert re.search(
        r'<tr class="differs">\s*<td><code>name</code></td>\s*<td>Jméno ze Sales</td>\s*'
        r"<td>Name from &lt;HQ&gt;</td>\s*<td>Name from &lt;HQ&gt;</td>",
        page,
    )
    assert "Commerce won" in page
    assert integration_admin.post(f"{CONFLICTS_URL}{conflict.pk}/delete/").status_code == 403


# --- record actions at the top, each with a confirmation step (issue 13) -----------------------


def _top_of(page: str) -> str:
    """The page above the record's form: its title and its buttons."""
    return page.split('<form method="post"', 1)[0]


def test_map_page_shows_its_buttons_at_the_top_by_the_map_s_name(integration_admin):
    url = f"{MAPS_URL}{_state().pk}/"

    page = integration_admin.get(f"{url}change/").content.decode()

    top = _top_of(page)
    assert f'<a href="{url}pause/"' in top and f'<a href="{url}initial-sync/"' in top
    assert f'<a href="{url}resume/"' not in page
    assert "<h2>Accounts ⇄ organization customers</h2>" in top
    assert f'<a href="{MAPS_URL}">Table maps</a>' in top  # the breadcrumbs


def test_pause_asks_first_and_says_what_will_happen(integration_admin):
    url = f"{MAPS_URL}{_state().pk}/pause/"

    confirmation = integration_admin.get(url).content.decode()

    assert _state().state == MapState.State.RUNNING
    assert "What will happen" in confirmation
    assert "No change of this map is delivered until the map is resumed." in confirmation
    assert 'value="Pause the map"' in confirmation
    assert "Pause Accounts ⇄ organization customers" in confirmation
    integration_admin.post(url)
    assert _state().state == MapState.State.PAUSED
    resume = integration_admin.get(f"{MAPS_URL}{_state().pk}/resume/").content.decode()
    assert "The changes that waited in the outboxes are delivered now, in order." in resume


def test_initial_sync_confirmation_lists_what_the_map_copies(integration_admin):
    page = integration_admin.get(f"{MAPS_URL}{_state().pk}/initial-sync/").content.decode()

    assert "Records of Commerce are copied to Sales, overwriting records with the same key." in page
    assert "Records of Sales whose key is not in Commerce yet are copied to Commerce." in page


def test_back_office_cannot_open_a_confirmation(back_office):
    assert back_office.get(f"{MAPS_URL}{_state().pk}/pause/").status_code == 403


def test_retry_from_the_error_page_asks_first(integration_admin, monkeypatch):
    (error,) = _failing_accounts(monkeypatch, "Firma R")
    retry_url = f"{ERRORS_URL}{error.pk}/retry/"

    page = integration_admin.get(f"{ERRORS_URL}{error.pk}/change/").content.decode()
    confirmation = integration_admin.get(retry_url).content.decode()

    assert f'href="{retry_url}"' in _top_of(page)
    assert f'href="{ERRORS_URL}{error.pk}/skip/"' in _top_of(page)
    assert "The change is delivered again now, with its attempts counted afresh." in confirmation
    assert OutboxMessage.objects.using("sales").get(message_id=error.message_id).attempts == 1
    done = integration_admin.post(retry_url, follow=True).content.decode()
    assert "is queued for delivery again" in done
    assert OutboxMessage.objects.using("sales").get(message_id=error.message_id).attempts == 0


def test_skip_from_the_error_page_asks_for_a_reason_and_says_what_will_happen(
    integration_admin, monkeypatch
):
    (error,) = _failing_accounts(monkeypatch, "Firma S")
    skip_url = f"{ERRORS_URL}{error.pk}/skip/"

    form = integration_admin.get(skip_url).content.decode()
    no_reason = integration_admin.post(skip_url, {"reason": ""}).content.decode()
    integration_admin.post(skip_url, {"reason": "Duplicitní záznam"})

    assert 'name="reason"' in form
    assert "This change is never applied on the other side." in form
    assert "This field is required" in no_reason
    error.refresh_from_db()
    assert (error.state, error.resolution) == ("skipped", "Duplicitní záznam")
    closed = integration_admin.get(f"{ERRORS_URL}{error.pk}/change/").content.decode()
    assert skip_url not in closed


def test_timestamps_in_the_reader_s_language(integration_admin, monkeypatch):
    (error,) = _failing_accounts(monkeypatch, "Firma T")
    error.last_failed_at = timezone.make_aware(datetime(2026, 12, 1, 14, 5))
    error.save()

    polish = integration_admin.get(f"{ERRORS_URL}{error.pk}/change/", HTTP_ACCEPT_LANGUAGE="pl")
    czech = integration_admin.get(ERRORS_URL, HTTP_ACCEPT_LANGUAGE="cs")

    assert "1 gru 2026, 14:05" in polish.content.decode()
    assert "1. 12. 2026 14:05" in _cell(czech.content.decode(), error.record_key, "last_failed_at")


def test_enabling_the_commerce_solution_asks_first_naming_every_map(integration_admin):
    page = integration_admin.get(MAPS_URL).content.decode()
    confirmation = integration_admin.get(f"{MAPS_URL}enable/").content.decode()

    assert f'<a href="{MAPS_URL}enable/">Enable Commerce solution</a>' in page
    assert "Prospects → leads: its initial sync runs, then the map starts." in confirmation
    assert "may overwrite records with the same key" in confirmation
    assert 'value="Enable Commerce solution"' in confirmation
