"""Each map's transform, both directions, value maps, Unicode byte for byte."""

import pytest

from dualwrite.maps import (
    ACCOUNTS_ORGANIZATION_CUSTOMERS,
    CONTACTS_PERSON_CUSTOMERS,
    MAPS,
    PROSPECTS_TO_LEADS,
    source_aliases,
)
from sales.models import Account, Contact, Lead, Opportunity
from tests.factories import CustomerFactory, ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")

CZECH = "Žluťoučký kůň úpěl ďábelské ódy"
POLISH = "Zażółć gęślą jaźń — Łódź"


def test_every_map_is_declared_once_with_its_directions():
    assert set(MAPS) == {
        "prospects_to_leads",
        "lead_status_to_prospects",
        "opportunity_status_to_prospects",
        "accounts_organization_customers",
        "contacts_person_customers",
    }
    assert [(d.source, d.target) for d in PROSPECTS_TO_LEADS.directions] == [("commerce", "sales")]
    assert {(d.source, d.target) for d in ACCOUNTS_ORGANIZATION_CUSTOMERS.directions} == {
        ("sales", "commerce"),
        ("commerce", "sales"),
    }
    assert source_aliases() == ["commerce", "sales"]


def test_prospect_to_lead_payload_carries_party_fields_byte_for_byte():
    prospect = ProspectFactory(company_name=CZECH, first_name="Łucja", city="Łódź")
    payload = PROSPECTS_TO_LEADS.to_payload(prospect, source="commerce")
    assert payload["company_name"] == CZECH
    assert payload["first_name"] == "Łucja"
    assert payload["city"] == "Łódź"
    assert payload["country"] == "PL"
    assert payload["prospect_number"] == prospect.prospect_number
    assert PROSPECTS_TO_LEADS.record_key(prospect, source="commerce") == prospect.prospect_number


def test_a_disqualification_carries_the_reason_its_category_and_who_decided(django_user_model):
    from dualwrite.maps.decisions import _lead_decision

    django_user_model.objects.create(username="rep", first_name="Jan", last_name="Kowalski")
    lead = Lead(pk=7, prospect_number="PR-000007", status="disqualified")
    lead.status_reason = "no_longer_interested"
    payload = _lead_decision(lead, by="rep")
    assert payload["category"] == "no_longer_interested"
    assert payload["reason"] == "No longer interested"
    assert payload["decided_by"] == "Jan Kowalski"
    assert (payload["lead"], payload["account"], payload["contact"]) == ("7", None, None)


def test_a_decision_carries_the_opportunitys_account_and_contact():
    from dualwrite.maps.decisions import _opportunity_decision

    account = Account(account_number="A-000001", name=CZECH, country="CZ")
    contact = Contact(contact_number="CT-000001", first_name="Łucja", last_name="Nowak")
    opportunity = Opportunity(
        opportunity_number="OP-000001",
        prospect_number="PR-1",
        status="lost",
        status_reason="out_sold",
        competitor=POLISH,
        account=account,
        contact=contact,
    )
    payload = _opportunity_decision(opportunity, by="nobody")
    assert (payload["category"], payload["reason"]) == ("out_sold", f"Out-sold ({POLISH})")
    assert payload["decided_by"] == "nobody"
    assert payload["account"]["account_number"] == "A-000001"
    assert payload["account"]["party_type"] == "organization"
    assert payload["contact"]["account_number"] == "CT-000001"
    assert payload["contact"]["first_name"] == "Łucja"


def test_account_to_organization_customer_and_back():
    account = Account(
        account_number="A-000001",
        name=CZECH,
        email="a@kun.cz",
        country="CZ",
        city="Brno",
        prospect_number="PR-000001",
    )
    to_commerce = ACCOUNTS_ORGANIZATION_CUSTOMERS.to_payload(account, source="sales")
    assert to_commerce["party_type"] == "organization"
    assert to_commerce["account_number"] == "A-000001"
    assert to_commerce["name"] == CZECH
    assert to_commerce["country"] == "CZ"

    customer = CustomerFactory(account_number="A-000001", name=POLISH)
    to_sales = ACCOUNTS_ORGANIZATION_CUSTOMERS.to_payload(customer, source="commerce")
    assert "party_type" not in to_sales
    assert to_sales["name"] == POLISH
    assert to_sales["account_number"] == "A-000001"


def test_contact_to_person_customer_renames_the_key_both_ways():
    contact = Contact(
        contact_number="CT-000001",
        first_name="Jiří",
        last_name="Dvořák",
        email="jiri@kun.cz",
        prospect_number="PR-1",
    )
    to_commerce = CONTACTS_PERSON_CUSTOMERS.to_payload(contact, source="sales")
    assert to_commerce["account_number"] == "CT-000001"
    assert to_commerce["party_type"] == "person"
    assert to_commerce["last_name"] == "Dvořák"
    assert CONTACTS_PERSON_CUSTOMERS.record_key(contact, source="sales") == "CT-000001"

    customer = CustomerFactory(
        account_number="CT-000001", party_type="person", first_name="Jiří", last_name="Dvořák"
    )
    to_sales = CONTACTS_PERSON_CUSTOMERS.to_payload(customer, source="commerce")
    assert to_sales["contact_number"] == "CT-000001"
    assert to_sales["first_name"] == "Jiří"
    assert CONTACTS_PERSON_CUSTOMERS.record_key(customer, source="commerce") == "CT-000001"
