"""Commerce HQ API (SPEC §10): prospects, listed, approved and rejected."""

import pytest

from commerce.models import Customer, CustomerHierarchy, EmailNotification, Prospect
from tests.api.commerce.support import API, _numbers
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")


# --- prospects --------------------------------------------------------------------------------


def test_prospects_filter_by_status_and_search(back_office_client):
    horse = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", email="info@kun.cz")
    lodz = ProspectFactory(company_name="Hurtownia Łódź", last_name="Nowak")
    decided = ProspectFactory(company_name="Kůň a syn", status=Prospect.Status.REJECTED)

    by_status = back_office_client.get(f"{API}/prospects/", {"status": "new"})
    by_company = back_office_client.get(f"{API}/prospects/", {"search": "kůň"})
    by_name = back_office_client.get(f"{API}/prospects/", {"search": "nowak"})
    by_number = back_office_client.get(
        f"{API}/prospects/", {"search": decided.prospect_number, "status": "rejected"}
    )

    assert sorted(_numbers(by_status)) == sorted([horse.prospect_number, lodz.prospect_number])
    assert sorted(_numbers(by_company)) == sorted([horse.prospect_number, decided.prospect_number])
    assert _numbers(by_name) == [lodz.prospect_number]
    assert _numbers(by_number) == [decided.prospect_number]
    assert by_status.json()["count"] == 2


def test_an_unknown_status_filter_is_a_field_error(back_office_client):
    ProspectFactory()

    response = back_office_client.get(f"{API}/prospects/", {"status": "maybe"})

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_prospect_detail_has_the_fields_of_spec_5(back_office_client):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", city="Łódź")

    response = back_office_client.get(f"{API}/prospects/{prospect.prospect_number}/")

    body = response.json()
    assert body["prospect_number"] == prospect.prospect_number
    assert body["company_name"] == "Žluťoučký kůň s.r.o."
    assert body["city"] == "Łódź"
    assert body["country"] == "PL"
    assert body["status"] == "new"
    assert {"status_reason", "channel", "request_id", "customer_hierarchy", "decided_by"} <= set(
        body
    )


def test_unknown_prospect_is_a_json_404(back_office_client):
    response = back_office_client.get(f"{API}/prospects/PR-404404/")
    approve = back_office_client.post(f"{API}/prospects/PR-404404/approve/")

    assert response.status_code == 404
    assert "detail" in response.json()
    assert approve.status_code == 404
    assert approve.json()["detail"] == "Prospect PR-404404 does not exist."


def test_approve_with_the_integration_off_builds_the_hierarchy(
    back_office_client, back_office_user
):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.")

    response = back_office_client.post(f"{API}/prospects/{prospect.prospect_number}/approve/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved"
    assert body["decided_by"] == back_office_user.username
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=body["customer_hierarchy"])
    assert hierarchy.name == "Žluťoučký kůň s.r.o."
    assert hierarchy.organization.account_number == body["organization_customer"]
    assert hierarchy.members.get().customer.account_number == body["person_customer"]
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.APPROVED


def test_approve_while_the_integration_is_on_is_refused_and_changes_nothing(
    back_office_client, settings
):
    settings.SALES_INTEGRATION_ENABLED = True
    prospect = ProspectFactory()

    response = back_office_client.post(f"{API}/prospects/{prospect.prospect_number}/approve/")
    reject = back_office_client.post(
        f"{API}/prospects/{prospect.prospect_number}/reject/", {"reason": "No"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "decided_in_sales"
    assert "decided in Sales" in response.json()["detail"]
    assert reject.status_code == 409
    prospect.refresh_from_db()
    assert (prospect.status, prospect.decided_by) == (Prospect.Status.NEW, "")
    assert not CustomerHierarchy.objects.exists()
    assert not Customer.objects.exists()


def test_a_decided_prospect_cannot_be_decided_again(back_office_client):
    prospect = ProspectFactory(status=Prospect.Status.REJECTED, status_reason="Out of area")

    response = back_office_client.post(f"{API}/prospects/{prospect.prospect_number}/approve/")

    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"
    prospect.refresh_from_db()
    assert (prospect.status, prospect.status_reason) == (Prospect.Status.REJECTED, "Out of area")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "Mimo oblast\x07"}, "reason"),
        ({"reason": "ř" * 1001}, "reason"),
    ],
)
def test_reject_needs_a_clean_reason(back_office_client, body, field):
    prospect = ProspectFactory()

    response = back_office_client.post(
        f"{API}/prospects/{prospect.prospect_number}/reject/", body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW
    assert not EmailNotification.objects.exists()


def test_reject_records_the_reason(back_office_client):
    prospect = ProspectFactory()

    response = back_office_client.post(
        f"{API}/prospects/{prospect.prospect_number}/reject/",
        {"reason": "Mimo naši oblast, omlouváme se."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["status_reason"] == "Mimo naši oblast, omlouváme se."
    prospect.refresh_from_db()
    assert prospect.status_reason == "Mimo naši oblast, omlouváme se."
    assert EmailNotification.objects.get().type == EmailNotification.Type.PROSPECT_REJECTED
