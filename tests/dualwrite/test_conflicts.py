"""Both sides edit one record between syncs: the rule's winner lands on both sides (issue 5)."""

import pytest

import commerce.services
from commerce.models import Customer
from dualwrite.models import ConflictEntry, MapState, RecordSync
from dualwrite.relay import outbox_relay
from sales.models import Account, Contact
from sales.services import account_update, contact_update

pytestmark = pytest.mark.django_db(databases="__all__")

ACCOUNTS = "accounts_organization_customers"


@pytest.fixture(autouse=True)
def _integration_on(settings, dualwrite_running):
    settings.SALES_INTEGRATION_ENABLED = True


def _synced_account() -> Account:
    account = Account.objects.create(account_number="A-000500", name="Původní", country="CZ")
    outbox_relay(source="sales")
    assert Customer.objects.get(account_number="A-000500").name == "Původní"
    return account


def _edit_both_sides(account: Account) -> None:
    account_update(account_id=account.pk, values={"name": "Sales: Žluťoučký kůň"})
    commerce.services.customer_upsert(
        account_number="A-000500", party_type="organization", values={"name": "HQ: Łódź"}
    )


@pytest.mark.parametrize("first", ["sales", "commerce"])
@pytest.mark.parametrize(
    ("rule", "winner_name"), [("commerce", "HQ: Łódź"), ("sales", "Sales: Žluťoučký kůň")]
)
def test_the_rules_winner_is_applied_on_both_sides_and_the_conflict_recorded(
    first, rule, winner_name
):
    MapState.objects.filter(code=ACCOUNTS).update(conflict_rule=rule)
    account = _synced_account()
    _edit_both_sides(account)

    for source in (first, {"sales": "commerce", "commerce": "sales"}[first]):
        outbox_relay(source=source)

    assert Account.objects.get(pk=account.pk).name == winner_name
    assert Customer.objects.get(account_number="A-000500").name == winner_name
    conflict = ConflictEntry.objects.get()
    assert conflict.winner == rule
    assert {conflict.incoming_values["name"], conflict.local_values["name"]} == {
        "Sales: Žluťoučký kůň",
        "HQ: Łódź",
    }
    # Later edits flow normally again: the versions were reconciled.
    account_update(account_id=account.pk, values={"name": "Po konfliktu"})
    outbox_relay(source="sales")
    assert Customer.objects.get(account_number="A-000500").name == "Po konfliktu"
    assert ConflictEntry.objects.count() == 1


def test_newest_change_wins_for_contacts():
    contact = Contact.objects.create(
        contact_number="CT-000900", first_name="Jan", last_name="Novák"
    )
    outbox_relay(source="sales")
    commerce.services.customer_upsert(
        account_number="CT-000900",
        party_type="person",
        values={"first_name": "Jan", "last_name": "Starší", "name": "Jan Starší"},
    )
    contact_update(contact_id=contact.pk, values={"last_name": "Novější"})  # the newest

    outbox_relay(source="commerce")
    outbox_relay(source="sales")

    assert Contact.objects.get(pk=contact.pk).last_name == "Novější"
    assert Customer.objects.get(account_number="CT-000900").last_name == "Novější"
    assert ConflictEntry.objects.get().winner == "sales"


def test_edits_in_turn_are_not_conflicts():
    account = _synced_account()
    account_update(account_id=account.pk, values={"name": "Druhá"})
    outbox_relay(source="sales")
    commerce.services.customer_upsert(
        account_number="A-000500", party_type="organization", values={"name": "Třetí"}
    )
    outbox_relay(source="commerce")
    assert Account.objects.get(pk=account.pk).name == "Třetí"
    assert not ConflictEntry.objects.exists()
    sync = RecordSync.objects.get(record_key="A-000500")
    assert sync.versions["sales"] == Account.objects.get(pk=account.pk).version
