"""The Sales API at /api/sales/ (SPEC §10): views, actions, 409 with duplicates, permissions."""

import pytest

from sales.models import Account, Lead, Opportunity, OpportunityClose
from tests.factories import AccountFactory, ContactFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db(databases="__all__")

LEADS = "/api/sales/leads/"
OPPORTUNITIES = "/api/sales/opportunities/"


def _numbers(response, key: str = "prospect_number") -> set:
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


# --- leads ------------------------------------------------------------------------------------


def test_lead_views_my_open_leads_and_all_b2b_commerce_leads(rep_api):
    LeadFactory(owner="jan.rep", prospect_number="PR-000001", lead_source="web")
    LeadFactory(owner="jan.rep", prospect_number="PR-000002", status="qualified")
    LeadFactory(b2b_commerce=True, prospect_number="PR-000003")
    LeadFactory(b2b_commerce=True, owner="other.rep", prospect_number="PR-000004")

    assert _numbers(rep_api.get(LEADS, {"view": "my-open-leads"})) == {"PR-000001"}
    assert _numbers(rep_api.get(LEADS, {"view": "all-b2b-commerce-leads"})) == {
        "PR-000003",
        "PR-000004",
    }
    assert len(_numbers(rep_api.get(LEADS))) == 4


def test_unknown_view_is_a_field_error(rep_api):
    response = rep_api.get(LEADS, {"view": "everything"})
    assert response.status_code == 400
    assert "view" in response.json()


def test_lead_detail_keeps_unicode_byte_for_byte(rep_api):
    lead = LeadFactory(
        company_name="Žluťoučký kůň úpěl ďábelské ódy",
        city="Łódź",
        comments="<script>alert(1)</script>",
    )

    body = rep_api.get(f"{LEADS}{lead.pk}/").json()

    assert body["company_name"].encode() == "Žluťoučký kůň úpěl ďábelské ódy".encode()
    assert body["city"] == "Łódź"
    assert body["comments"] == "<script>alert(1)</script>"
    assert (body["status"], body["status_reason"], body["opportunity_id"]) == ("open", "new", None)


def test_qualify_answers_409_with_candidates_then_ignore_duplicates_creates(rep_api):
    AccountFactory(account_number="A-000009", name="ŁÓDŹ sp. z o.o.", email="biuro@lodz.pl")
    ContactFactory(contact_number="CT-000009", last_name="Dvořák", email="zofia@lodz.pl")
    lead = LeadFactory(
        company_name="Łódź Sp. z o.o.", email="zofia@lodz.pl", prospect_number="PR-000077"
    )

    conflict = rep_api.post(f"{LEADS}{lead.pk}/qualify/", {}, format="json")

    assert conflict.status_code == 409
    body = conflict.json()
    assert body["code"] == "duplicates"
    assert body["duplicates"] == [
        {
            "kind": "contact",
            "number": "CT-000009",
            "name": "Jiří Dvořák",
            "email": "zofia@lodz.pl",
            "reason": "email",
        },
        {
            "kind": "account",
            "number": "A-000009",
            "name": "ŁÓDŹ sp. z o.o.",
            "email": "biuro@lodz.pl",
            "reason": "company_name",
        },
    ]
    assert Account.objects.count() == 1

    created = rep_api.post(f"{LEADS}{lead.pk}/qualify/", {"ignore_duplicates": True}, format="json")

    assert created.status_code == 200, created.content
    body = created.json()
    assert body["lead"]["status"] == "qualified"
    assert body["account"]["name"] == "Łódź Sp. z o.o."
    assert body["account"]["prospect_number"] == "PR-000077"
    assert body["contact"]["account_number"] == body["account"]["account_number"]
    assert body["opportunity"]["originating_lead_id"] == lead.pk
    assert body["lead"]["opportunity_number"] == body["opportunity"]["opportunity_number"]


def test_qualify_linking_an_existing_account(rep_api):
    AccountFactory(account_number="A-000005", name="Łódź Sp. z o.o.")
    lead = LeadFactory(company_name="ŁÓDŹ SP. Z O.O.")

    response = rep_api.post(
        f"{LEADS}{lead.pk}/qualify/",
        {"existing_account_number": "A-000005", "create_contact": False},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["account"]["account_number"] == "A-000005"
    assert response.json()["contact"] is None
    assert Lead.objects.get(pk=lead.pk).account.account_number == "A-000005"


def test_qualify_with_an_unknown_account_is_a_field_error(rep_api):
    lead = LeadFactory()
    response = rep_api.post(
        f"{LEADS}{lead.pk}/qualify/", {"existing_account_number": "A-404404"}, format="json"
    )
    assert response.status_code == 400
    assert "existing_account_number" in response.json()
    assert Lead.objects.get(pk=lead.pk).status == "open"


def test_qualify_twice_is_409_with_a_clear_message(rep_api):
    lead = LeadFactory(status="qualified")
    response = rep_api.post(f"{LEADS}{lead.pk}/qualify/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Only an open lead can be qualified; this lead is qualified."
    )


def test_disqualify_and_reactivate(rep_api):
    lead = LeadFactory()

    response = rep_api.post(
        f"{LEADS}{lead.pk}/disqualify/",
        {"status_reason": "canceled", "description": "Rezygnacja"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == (
        "disqualified",
        "canceled",
    )

    response = rep_api.post(f"{LEADS}{lead.pk}/reactivate/")
    assert (response.status_code, response.json()["status"]) == (200, "open")

    again = rep_api.post(f"{LEADS}{lead.pk}/reactivate/")
    assert again.status_code == 409
    assert "Only a disqualified lead can be reactivated" in again.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"status_reason": "new"},
        {"status_reason": "lost", "description": "a\x00b"},
        {"status_reason": "lost", "description": "x" * 2001},
    ],
)
def test_disqualify_bad_input_is_400_and_changes_nothing(rep_api, body):
    lead = LeadFactory()
    response = rep_api.post(f"{LEADS}{lead.pk}/disqualify/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"status_reason", "description"}
    assert Lead.objects.get(pk=lead.pk).status == "open"


def test_disqualify_with_an_opportunity_is_409(rep_api):
    lead = LeadFactory()
    OpportunityFactory(originating_lead=lead)
    response = rep_api.post(
        f"{LEADS}{lead.pk}/disqualify/", {"status_reason": "lost"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "lead_has_opportunity"


def test_unknown_lead_is_404(rep_api):
    assert rep_api.get(f"{LEADS}404404/").status_code == 404
    assert rep_api.post(f"{LEADS}404404/qualify/", {}, format="json").status_code == 404


# --- opportunities ----------------------------------------------------------------------------


def test_close_as_won(rep_api):
    opportunity = OpportunityFactory()

    response = rep_api.post(
        f"{OPPORTUNITIES}{opportunity.pk}/close-as-won/",
        {"actual_revenue": "9999.99", "close_date": "2025-02-03", "description": "Wygrana"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_reason"], body["actual_revenue"], body["close_date"]) == (
        "won",
        "won",
        "9999.99",
        "2025-02-03",
    )
    assert OpportunityClose.objects.get().closed_by == "jan.rep"


def test_close_as_lost_then_closing_again_is_409(rep_api):
    opportunity = OpportunityFactory()
    url = f"{OPPORTUNITIES}{opportunity.pk}/close-as-lost/"

    response = rep_api.post(
        url, {"status_reason": "canceled", "competitor": "Koník a.s."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["competitor"]) == ("lost", "Koník a.s.")

    again = rep_api.post(url, {"status_reason": "canceled"}, format="json")
    assert again.status_code == 409
    assert "Only an open opportunity can be closed" in again.json()["detail"]
    assert OpportunityClose.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("close-as-won", {"actual_revenue": "-1"}, "actual_revenue"),
        ("close-as-won", {"actual_revenue": "abc"}, "actual_revenue"),
        ("close-as-won", {"actual_revenue": "1", "close_date": "yesterday"}, "close_date"),
        ("close-as-lost", {"status_reason": "in_progress"}, "status_reason"),
        ("close-as-lost", {"status_reason": "out_sold", "competitor": "a\nb"}, "competitor"),
    ],
)
def test_close_bad_input_is_400(rep_api, action, body, field):
    opportunity = OpportunityFactory()
    response = rep_api.post(f"{OPPORTUNITIES}{opportunity.pk}/{action}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Opportunity.objects.get(pk=opportunity.pk).status == "open"


def test_opportunities_accounts_and_contacts_are_listed(rep_api):
    account = AccountFactory(account_number="A-000100", name="Žluťoučký kůň s.r.o.")
    ContactFactory(contact_number="CT-000100", account=account)
    OpportunityFactory(opportunity_number="OP-000100", account=account)

    assert _numbers(rep_api.get(OPPORTUNITIES), "opportunity_number") == {"OP-000100"}
    accounts = rep_api.get("/api/sales/accounts/").json()["results"]
    assert [(a["account_number"], a["name"]) for a in accounts] == [
        ("A-000100", "Žluťoučký kůň s.r.o.")
    ]
    contacts = rep_api.get("/api/sales/contacts/").json()["results"]
    assert [(c["contact_number"], c["account_number"]) for c in contacts] == [
        ("CT-000100", "A-000100")
    ]
    assert rep_api.get("/api/sales/accounts/A-000100/").json()["name"] == "Žluťoučký kůň s.r.o."


# --- permissions ------------------------------------------------------------------------------


def test_back_office_reads_all_b2b_commerce_leads_only(back_office_api):
    b2b = LeadFactory(b2b_commerce=True, prospect_number="PR-000200")
    web = LeadFactory(lead_source="web")

    assert _numbers(back_office_api.get(LEADS, {"view": "all-b2b-commerce-leads"})) == {"PR-000200"}
    assert back_office_api.get(f"{LEADS}{b2b.pk}/").json()["prospect_number"] == "PR-000200"
    assert back_office_api.get(f"{LEADS}{web.pk}/").status_code == 404
    assert back_office_api.get(LEADS).status_code == 403
    assert back_office_api.get(LEADS, {"view": "my-open-leads"}).status_code == 403
    assert back_office_api.post(f"{LEADS}{b2b.pk}/qualify/", {}, format="json").status_code == 403
    assert (
        back_office_api.post(
            f"{LEADS}{b2b.pk}/disqualify/", {"status_reason": "lost"}, format="json"
        ).status_code
        == 403
    )
    assert back_office_api.get(OPPORTUNITIES).status_code == 403
    assert back_office_api.get("/api/sales/accounts/").status_code == 403
    assert Lead.objects.get(pk=b2b.pk).status == "open"


def test_partner_and_anonymous_are_refused(partner_api, client):
    lead = LeadFactory(b2b_commerce=True)
    for url in (LEADS, f"{LEADS}{lead.pk}/", OPPORTUNITIES, "/api/sales/contacts/"):
        assert partner_api.get(url, {"view": "all-b2b-commerce-leads"}).status_code == 403
        assert client.get(url).status_code in (401, 403)
    assert partner_api.post(f"{LEADS}{lead.pk}/qualify/", {}, format="json").status_code == 403
    assert Lead.objects.get(pk=lead.pk).status == "open"
