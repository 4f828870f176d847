"""Field-level conflicts: only the same field changed on both sides is a conflict (issue 10).

Both sides edit one record between syncs: the rule's winner lands on both sides (issue 5);
edits to different fields merge, and fields the map does not carry never travel.
"""

import pytest

import commerce.services
from commerce.models import Customer
from dualwrite.models import ConflictEntry, MapState
from dualwrite.relay import outbox_relay
from dualwrite.services import map_pause, map_resume
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
    assert (conflict.field, conflict.winner, conflict.resolved_value) == ("name", rule, winner_name)
    assert {conflict.incoming_value, conflict.local_value} == {"Sales: Žluťoučký kůň", "HQ: Łódź"}
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


def _relay_both() -> None:
    for source in ("sales", "commerce", "sales"):
        outbox_relay(source=source)


def test_a_field_changed_in_sales_and_an_unmapped_one_in_hq_both_stay():
    """Issue 10, seen 2: the rep's phone was put back by a record-level "Commerce wins"."""
    account = _synced_account()
    map_pause(code=ACCOUNTS, actor="integrator")
    account_update(account_id=account.pk, values={"phone": "+420 601 234 567"})
    commerce.services.customer_credit_limit_set(
        account_number="A-000500",
        credit_limit="25000.00",
        currency="CZK",
        credit_limit_type="balance",
        actor="backoffice",
    )
    map_resume(code=ACCOUNTS, actor="integrator")
    _relay_both()

    customer = Customer.objects.get(account_number="A-000500")
    assert Account.objects.get(pk=account.pk).phone == "+420 601 234 567"
    assert customer.phone == "+420 601 234 567"
    assert (customer.credit_limit, customer.currency) == (25000, "CZK")
    assert not ConflictEntry.objects.exists()


def test_different_mapped_fields_changed_on_each_side_merge():
    account = _synced_account()
    map_pause(code=ACCOUNTS, actor="integrator")
    account_update(account_id=account.pk, values={"phone": "+420 601 234 567"})
    commerce.services.customer_upsert(
        account_number="A-000500", party_type="organization", values={"city": "Brno"}
    )
    map_resume(code=ACCOUNTS, actor="integrator")
    _relay_both()

    for record in (
        Account.objects.get(pk=account.pk),
        Customer.objects.get(account_number="A-000500"),
    ):
        assert (record.phone, record.city, record.name) == ("+420 601 234 567", "Brno", "Původní")
    assert not ConflictEntry.objects.exists()


def test_one_conflict_per_field_however_many_edits_queued_on_each_side():
    MapState.objects.filter(code=ACCOUNTS).update(conflict_rule="commerce")
    account = _synced_account()
    map_pause(code=ACCOUNTS, actor="integrator")
    for name in ("Sales 1", "Sales 2"):
        account_update(account_id=account.pk, values={"name": name})
    account_update(account_id=account.pk, values={"city": "Ostrava"})
    commerce.services.customer_upsert(
        account_number="A-000500", party_type="organization", values={"name": "HQ"}
    )
    map_resume(code=ACCOUNTS, actor="integrator")
    _relay_both()

    for record in (
        Account.objects.get(pk=account.pk),
        Customer.objects.get(account_number="A-000500"),
    ):
        assert (record.name, record.city) == ("HQ", "Ostrava")
    conflict = ConflictEntry.objects.get()
    assert (conflict.field, conflict.winner) == ("name", "commerce")


def test_a_save_that_changes_no_mapped_field_sends_nothing():
    from dualwrite.models import OutboxMessage

    _synced_account()
    before = OutboxMessage.objects.using("commerce").count()
    commerce.services.customer_credit_limit_set(
        account_number="A-000500",
        credit_limit="100.00",
        currency="EUR",
        credit_limit_type="balance",
        actor="backoffice",
    )
    assert OutboxMessage.objects.using("commerce").count() == before


def test_the_conflicts_command_lists_record_field_values_rule_and_winner(capsys):
    from django.core.management import call_command

    MapState.objects.filter(code=ACCOUNTS).update(conflict_rule="commerce")
    account = _synced_account()
    map_pause(code=ACCOUNTS, actor="integrator")
    _edit_both_sides(account)
    map_resume(code=ACCOUNTS, actor="integrator")
    _relay_both()

    call_command("dualwrite", "conflicts", "--record", "A-000500")
    out = capsys.readouterr().out
    assert "A-000500.name" in out
    assert "'Sales: Žluťoučký kůň'" in out and "'HQ: Łódź'" in out
    assert "rule commerce, commerce won" in out
