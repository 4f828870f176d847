"""Commerce HQ API for the back office (SPEC §10)."""

from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commerce.channel.models import OnboardingRequest
from commerce.models import (
    ChannelRequest,
    Customer,
    CustomerHierarchy,
    EmailNotification,
    JobRun,
    Prospect,
)
from commerce.services import prospect_approve
from tests.factories import CustomerFactory, OnboardingRequestFactory, ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")

API = "/api/commerce"
HQ_ENDPOINTS = [
    ("get", f"{API}/prospects/"),
    ("get", f"{API}/prospects/PR-900001/"),
    ("post", f"{API}/prospects/PR-900001/approve/"),
    ("post", f"{API}/prospects/PR-900001/reject/"),
    ("get", f"{API}/customers/"),
    ("get", f"{API}/customer-hierarchies/"),
    ("get", f"{API}/email-notifications/"),
    ("get", f"{API}/jobs/"),
    ("post", f"{API}/jobs/p-0001/run/"),
    ("get", f"{API}/job-runs/"),
]


def _call(client, method: str, url: str):
    if method == "post":
        return client.post(url, {"reason": "Mimo oblast"}, format="json")
    return client.get(url)


def _numbers(response, key="prospect_number") -> list[str]:
    return [row[key] for row in response.json()["results"]]


def _notification(**values) -> EmailNotification:
    defaults = {
        "type": EmailNotification.Type.PROSPECT_APPROVED,
        "event_key": f"test:{EmailNotification.objects.count()}",
        "recipient": "lucja@kun.cz",
        "subject": "Vítejte, Žluťoučký kůň",
        "body_text": "Dobrý den, Łucjo.",
    }
    return EmailNotification.objects.using("commerce").create(**{**defaults, **values})


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), HQ_ENDPOINTS)
def test_anonymous_callers_are_refused_and_nothing_changes(anonymous_client, method, url):
    prospect = ProspectFactory(prospect_number="PR-900001")

    response = _call(anonymous_client, method, url)

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Authentication credentials were not provided."
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW
    assert not JobRun.objects.exists()


@pytest.mark.parametrize(("method", "url"), HQ_ENDPOINTS)
def test_sales_reps_cannot_reach_hq(sales_rep_client, method, url):
    prospect = ProspectFactory(prospect_number="PR-900001")

    response = _call(sales_rep_client, method, url)

    assert response.status_code == 403
    assert "permission" in response.json()["detail"]
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW
    assert not JobRun.objects.exists()


def test_token_authentication_works(back_office_user):
    prospect = ProspectFactory()
    token = Token.objects.create(user=back_office_user)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get(f"{API}/prospects/")

    assert response.status_code == 200
    assert _numbers(response) == [prospect.prospect_number]


def test_a_wrong_token_is_refused():
    ProspectFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get(f"{API}/prospects/")

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Invalid token."


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
            "status": "pending",
        }
    ]


# --- email notifications ----------------------------------------------------------------------


def test_email_notifications_filter_by_recipient_and_type(back_office_client):
    approved = _notification()
    rejected = _notification(type=EmailNotification.Type.PROSPECT_REJECTED)
    other = _notification(recipient="jiri@kun.cz")

    by_recipient = back_office_client.get(
        f"{API}/email-notifications/", {"recipient": "LUCJA@kun.cz"}
    )
    by_type = back_office_client.get(f"{API}/email-notifications/", {"type": "prospect_approved"})
    both = back_office_client.get(
        f"{API}/email-notifications/", {"type": "prospect_rejected", "recipient": "lucja@kun.cz"}
    )

    def ids(response):
        return sorted(_numbers(response, "notification_id"))

    assert ids(by_recipient) == sorted(
        [str(approved.notification_id), str(rejected.notification_id)]
    )
    assert ids(by_type) == sorted([str(approved.notification_id), str(other.notification_id)])
    assert ids(both) == [str(rejected.notification_id)]
    row = both.json()["results"][0]
    assert row["subject"] == "Vítejte, Žluťoučký kůň"
    assert (row["status"], row["attempts"], row["sent_at"]) == ("queued", 0, None)
    assert "body_text" not in row


def test_email_notification_detail_includes_the_body(back_office_client):
    notification = _notification()

    response = back_office_client.get(f"{API}/email-notifications/{notification.notification_id}/")
    malformed = back_office_client.get(f"{API}/email-notifications/not-a-uuid/")

    assert response.json()["body_text"] == "Dobrý den, Łucjo."
    assert response.json()["recipient"] == "lucja@kun.cz"
    assert malformed.status_code == 404
    assert "detail" in malformed.json()


def test_a_queued_email_shows_the_bodies_it_will_be_sent_with(back_office_client):
    notification = _notification(
        body_text="",
        language="cs",
        context={"first_name": "Łucja", "last_name": "Kůň", "company_name": "Kůň & <Syn>"},
        type=EmailNotification.Type.PROSPECT_REJECTED,
    )

    body = back_office_client.get(
        f"{API}/email-notifications/{notification.notification_id}/"
    ).json()

    assert "Łucja" in body["body_text"] and "Kůň & <Syn>" in body["body_text"]
    assert "Kůň &amp; &lt;Syn&gt;" in body["body_html"]
    assert '<html lang="cs">' in body["body_html"]
    notification.refresh_from_db()
    assert notification.body_text == ""  # shown, not stored: it is stored when sent


# --- jobs -------------------------------------------------------------------------------------


def test_jobs_list_every_job_with_its_latest_runs(back_office_client):
    start = timezone.now()
    for minutes in range(7):
        run = JobRun.objects.create(job="P-0001", rows=minutes)
        JobRun.objects.filter(pk=run.pk).update(started_at=start + timedelta(minutes=minutes))

    response = back_office_client.get(f"{API}/jobs/")

    jobs = {job["slug"]: job for job in response.json()}
    assert {"p-0001", "sync-channel-requests"} <= set(jobs)
    assert jobs["p-0001"]["code"] == "P-0001"
    assert [run["rows"] for run in jobs["p-0001"]["latest_runs"]] == [6, 5, 4, 3, 2]
    assert jobs["sync-channel-requests"]["latest_runs"] == []


def test_running_a_job_queues_it_and_records_the_run(back_office_client):
    request = OnboardingRequestFactory(company_name="Žluťoučký kůň s.r.o.")

    response = back_office_client.post(f"{API}/jobs/p-0001/run/")

    assert response.status_code == 202
    assert response.json() == {"job": "P-0001", "queued": True}
    run = JobRun.objects.get()
    assert (run.job, run.trigger, run.outcome, run.rows) == ("P-0001", "api", "succeeded", 1)
    staged = ChannelRequest.objects.get(request_id=request.request_id)
    assert staged.payload["company_name"] == "Žluťoučký kůň s.r.o."
    request.refresh_from_db()
    assert request.status == OnboardingRequest.Status.UPLOADED
    runs = back_office_client.get(f"{API}/job-runs/", {"job": "p-0001"})
    assert [row["id"] for row in runs.json()["results"]] == [run.pk]


def test_running_a_job_while_the_task_queue_is_down_says_so(back_office_client, monkeypatch):
    from kombu.exceptions import OperationalError

    from commerce.tasks import job_run

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(job_run, "apply_async", refuse)

    response = back_office_client.post(f"{API}/jobs/p-0001/run/")

    assert response.status_code == 503
    assert response.json()["code"] == "queue_unavailable"
    assert "task queue cannot be reached" in response.json()["detail"]
    assert not JobRun.objects.exists()


def test_running_an_unknown_job_is_a_json_404(back_office_client):
    response = back_office_client.post(f"{API}/jobs/no-such-job/run/")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_job"
    assert not JobRun.objects.exists()
