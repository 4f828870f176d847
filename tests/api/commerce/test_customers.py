"""Commerce HQ API (SPEC §10): customers and customer hierarchies."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from commerce.models import Customer
from commerce.services import prospect_approve
from tests.api.commerce.support import API, _numbers
from tests.factories import CustomerFactory, ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")


# --- customers and hierarchies ----------------------------------------------------------------


def test_customers_filter_by_party_type(back_office_client):
    organization = CustomerFactory(name="Žluťoučký kůň s.r.o.")
    person = CustomerFactory(party_type=Customer.PartyType.PERSON, name="Łucja Dvořáková")

    people = back_office_client.get(f"{API}/customers/", {"party_type": "person"})
    everyone = back_office_client.get(f"{API}/customers/")
    detail = back_office_client.get(f"{API}/customers/{organization.account_number}/")

    assert _numbers(people, "account_number") == [person.account_number]
    assert people.json()["results"][0]["name"] == "Łucja Dvořáková"
    assert sorted(_numbers(everyone, "account_number")) == sorted(
        [organization.account_number, person.account_number]
    )
    assert detail.json()["name"] == "Žluťoučký kůň s.r.o."
    assert detail.json()["party_type"] == "organization"


def test_hierarchies_list_members_without_a_query_per_row(back_office_client):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", first_name="Łucja")
    prospect_approve(prospect_number=prospect.prospect_number, actor="test")
    prospect.refresh_from_db()

    with CaptureQueriesContext(connections["commerce"]) as one:
        back_office_client.get(f"{API}/customer-hierarchies/")
    # Counted now: the next request clears the connection's query log.
    queries_for_one = len(one)
    for _ in range(3):
        prospect_approve(prospect_number=ProspectFactory().prospect_number, actor="test")
    with CaptureQueriesContext(connections["commerce"]) as four:
        response = back_office_client.get(f"{API}/customer-hierarchies/")
    queries_for_four = len(four)
    detail = back_office_client.get(f"{API}/customer-hierarchies/{prospect.customer_hierarchy}/")

    assert queries_for_four == queries_for_one
    assert response.json()["count"] == 4
    assert detail.json()["name"] == "Žluťoučký kůň s.r.o."
    assert detail.json()["organization"] == prospect.organization_customer
    assert detail.json()["members"] == [
        {
            "account_number": prospect.person_customer,
            "name": f"Łucja {prospect.last_name}",
            "first_name": "Łucja",
            "last_name": prospect.last_name,
            "email": prospect.email,
            "language": prospect.language,
            "role": "admin",
            "spending_limit": None,
            "monthly_spending_limit": None,
            "status": "pending",
        }
    ]
