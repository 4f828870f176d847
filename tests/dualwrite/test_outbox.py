"""The transactional outbox and its relay: atomicity, exactly once, no echo, per-record order."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

import commerce.services
from commerce.models import Customer, Prospect
from dualwrite.maps import ACCOUNTS_ORGANIZATION_CUSTOMERS
from dualwrite.models import InboxMessage, OutboxMessage
from dualwrite.relay import message_apply, outbox_relay
from sales.models import Account, Lead, Note
from sales.services import account_upsert_from_commerce
from tests.factories import PARTY_DEFAULTS

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def _integration_on(settings, dualwrite_running):
    settings.SALES_INTEGRATION_ENABLED = True


def _prospect_rows(count: int = 1) -> list[dict]:
    return [
        {**PARTY_DEFAULTS, "email": f"buyer{i}@lodz.example.pl", "company_name": f"Łódź {i}"}
        for i in range(count)
    ]


def _outbox(alias: str):
    return OutboxMessage.objects.using(alias)


def test_outbox_row_commits_with_the_change():
    commerce.services.prospects_create(rows=_prospect_rows(2))
    assert _outbox("commerce").filter(map="prospects_to_leads").count() == 2


def test_a_prospect_with_a_bad_value_is_refused_and_nothing_is_written():
    rows = _prospect_rows(2)
    rows[1]["country"] = "XX"
    with pytest.raises(ValidationError) as excinfo:
        commerce.services.prospects_create(rows=rows)
    assert list(excinfo.value.message_dict) == ["country"]
    assert not Prospect.objects.exists()
    assert not _outbox("commerce").exists()


def test_outbox_row_rolls_back_with_the_change():
    with pytest.raises(RuntimeError), transaction.atomic(using="commerce"):
        commerce.services.prospects_create(rows=_prospect_rows(1))
        raise RuntimeError("the change fails after the prospect was written")
    assert not Prospect.objects.exists()
    assert not _outbox("commerce").exists()


def test_changes_made_while_the_integration_is_off_wait_and_are_delivered_when_it_is_on(settings):
    """Issue 10, seen 5: with the integration off the capture returned early; nothing queued."""
    settings.SALES_INTEGRATION_ENABLED = False
    (prospect,) = commerce.services.prospects_create(rows=_prospect_rows(1))
    assert _outbox("commerce").get().state == OutboxMessage.State.PENDING
    assert outbox_relay(source="commerce")["delivered"] == 0

    settings.SALES_INTEGRATION_ENABLED = True
    assert outbox_relay(source="commerce")["delivered"] == 1
    assert Lead.objects.filter(prospect_number=prospect.prospect_number).exists()


def test_every_bulk_write_path_of_a_mapped_model_writes_its_outbox_row_or_is_refused():
    """SPEC §7: bulk creates, bulk updates and queryset updates are captured like save()."""
    from commerce.models import Customer
    from core.errors import NotAllowed
    from sales.models import Account, Lead, Opportunity

    def _count(alias, map_code):
        return _outbox(alias).filter(map=map_code).count()

    accounts = "accounts_organization_customers"
    Account.objects.bulk_create([Account(account_number="A-1", name="Bulk 1")])
    assert _count("sales", accounts) == 1
    Account.objects.filter(account_number="A-1").update(phone="+48 22 123 45 67")
    message = _outbox("sales").filter(map=accounts).last()
    assert message.payload["phone"] == "+48 22 123 45 67"
    assert message.payload["changed"] == {"phone": ""}
    account = Account.objects.get(account_number="A-1")
    account.city = "Kraków"
    Account.objects.bulk_update([account], ["city"])
    assert _outbox("sales").filter(map=accounts).last().payload["changed"] == {"city": ""}
    Account.objects.filter(account_number="A-1").update(company_name_key="x")  # unmapped
    assert _count("sales", accounts) == 3

    Customer.objects.bulk_create(
        [Customer(account_number="C-1", party_type="person", name="Jan Nowak", last_name="Nowak")]
    )
    assert _count("commerce", "contacts_person_customers") == 1
    Customer.objects.filter(account_number="C-1").update(email="jan@nowak.pl")
    assert _count("commerce", "contacts_person_customers") == 2

    for refused in (
        lambda: Lead.objects.update(status="disqualified"),
        lambda: Opportunity.objects.update(status="won"),
        lambda: Prospect.objects.update(status="approved"),
        lambda: Customer.objects.bulk_create([], ignore_conflicts=True),
    ):
        with pytest.raises(NotAllowed):
            refused()


def test_relay_creates_the_lead_owned_by_the_integration_user():
    (prospect,) = commerce.services.prospects_create(rows=_prospect_rows(1))
    result = outbox_relay(source="commerce")
    assert result["delivered"] == 1
    lead = Lead.objects.get(prospect_number=prospect.prospect_number)
    assert lead.company_name == "Łódź 0"
    assert lead.created_by_integration
    assert lead.lead_source == Lead.Source.B2B_COMMERCE
    assert Note.objects.filter(
        lead=lead,
        text__contains=f"Created by dual-write from Commerce prospect {prospect.prospect_number}",
    ).exists()
    assert _outbox("commerce").get().state == OutboxMessage.State.DELIVERED


def test_a_batch_of_prospects_becomes_leads_in_one_go(django_assert_max_num_queries):
    prospects = commerce.services.prospects_create(rows=_prospect_rows(30))
    # Claim, inbox check, lead lock, lead and note inserts, inbox insert, mark delivered…
    # a fixed number of statements, not a number per message.
    with django_assert_max_num_queries(25):
        result = outbox_relay(source="commerce")
    assert result["delivered"] == 30
    assert set(Lead.objects.values_list("prospect_number", flat=True)) == {
        prospect.prospect_number for prospect in prospects
    }
    assert Note.objects.filter(text__startswith="Created by dual-write").count() == 30
    assert InboxMessage.objects.using("sales").count() == 30
    assert set(_outbox("commerce").values_list("state", "attempts")) == {("delivered", 1)}


def test_a_bad_message_in_a_batch_fails_alone():
    good = commerce.services.prospects_create(rows=_prospect_rows(3))
    bad = _outbox("commerce").get(record_key=good[1].prospect_number)
    bad.payload = {**bad.payload, "country": "XX"}  # not a country: the lead refuses it
    bad.save()

    result = outbox_relay(source="commerce")

    assert result["delivered"] == 2 and result["failed"] == 1
    assert set(Lead.objects.values_list("prospect_number", flat=True)) == {
        good[0].prospect_number,
        good[2].prospect_number,
    }
    bad.refresh_from_db()
    assert bad.state == OutboxMessage.State.PENDING and bad.attempts == 1
    assert "country" in bad.last_error
    assert not InboxMessage.objects.using("sales").filter(message_id=bad.message_id).exists()
    assert Note.objects.count() == 2


def test_a_message_the_inbox_already_holds_is_marked_delivered_without_applying_it():
    commerce.services.prospects_create(rows=_prospect_rows(2))
    first = _outbox("commerce").order_by("id").first()
    message_apply(message=first, target="sales")  # delivered once; the source did not hear

    outbox_relay(source="commerce")

    assert Lead.objects.count() == 2 and Note.objects.count() == 2
    assert set(_outbox("commerce").values_list("state", flat=True)) == {"delivered"}


def test_a_message_delivered_twice_applies_once():
    commerce.services.prospects_create(rows=_prospect_rows(1))
    message = _outbox("commerce").get()

    assert message_apply(message=message, target="sales") is True
    assert message_apply(message=message, target="sales") is False

    assert Lead.objects.count() == 1
    assert Note.objects.count() == 1
    assert InboxMessage.objects.using("sales").filter(message_id=message.message_id).count() == 1


def test_a_change_applied_by_dual_write_is_not_echoed_back():
    account = Account.objects.create(account_number="A-000042", name="Kůň a.s.", country="CZ")
    assert _outbox("sales").filter(record_key="A-000042").count() == 1
    outbox_relay(source="sales")

    assert Customer.objects.get(account_number="A-000042").name == "Kůň a.s."
    assert not _outbox("commerce").exists()  # the customer write did not echo to Sales
    account.refresh_from_db()
    assert _outbox("sales").filter(record_key="A-000042").count() == 1


def test_a_failing_change_holds_back_later_changes_to_the_same_record_only(monkeypatch):
    account = Account.objects.create(account_number="A-000001", name="First name", country="PL")
    account.name = "Second name"
    account.save()
    Account.objects.create(account_number="A-000002", name="Other record", country="PL")

    real_upsert = commerce.services.customer_upsert
    calls = []

    def fail_once(**kwargs):
        calls.append(kwargs["values"]["name"])
        if len(calls) == 1:
            raise ConnectionError("HQ database unreachable")
        return real_upsert(**kwargs)

    monkeypatch.setattr(commerce.services, "customer_upsert", fail_once)

    result = outbox_relay(source="sales")

    first, second, other = _outbox("sales").order_by("id")
    assert result["failed"] == 1
    assert first.state == OutboxMessage.State.PENDING and first.attempts == 1
    assert "HQ database unreachable" in first.last_error
    assert first.next_attempt_at is not None
    assert second.state == OutboxMessage.State.PENDING and second.attempts == 0
    assert other.state == OutboxMessage.State.DELIVERED
    assert not Customer.objects.filter(account_number="A-000001").exists()

    _outbox("sales").update(next_attempt_at=None)  # the backoff has passed
    outbox_relay(source="sales")

    assert calls == ["First name", "Other record", "First name", "Second name"]
    assert Customer.objects.get(account_number="A-000001").name == "Second name"
    assert set(_outbox("sales").values_list("state", flat=True)) == {"delivered"}


def test_after_the_last_attempt_a_message_is_parked_and_still_blocks_its_record(
    settings, monkeypatch
):
    settings.DUALWRITE_MAX_ATTEMPTS = 1
    Account.objects.create(account_number="A-000003", name="Parked", country="PL")
    monkeypatch.setattr(
        commerce.services,
        "customer_upsert",
        lambda **kwargs: (_ for _ in ()).throw(ValueError("refused")),
    )
    outbox_relay(source="sales")
    message = _outbox("sales").get()
    assert message.state == OutboxMessage.State.FAILED
    assert "refused" in message.last_error


def test_customer_edits_in_hq_reach_the_account():
    account_upsert_from_commerce(
        account_number="A-000009", values={"name": "Stará"}, prospect_number=""
    )
    customer = commerce.services.customer_upsert(
        account_number="A-000009", party_type="organization", values={"name": "Nová Łódź"}
    )
    assert customer.name == "Nová Łódź"
    outbox_relay(source="commerce")
    assert Account.objects.get(account_number="A-000009").name == "Nová Łódź"
    assert ACCOUNTS_ORGANIZATION_CUSTOMERS.code in set(
        _outbox("commerce").values_list("map", flat=True)
    )
