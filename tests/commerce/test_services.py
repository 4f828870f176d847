"""Commerce HQ services: approval builds SPEC §8, rejection records the reason, emails queue."""

import pytest
from django.core import mail
from django.core.cache import cache

from commerce.emails import EmailSpec
from commerce.models import (
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Invitation,
    Prospect,
    TransitionLog,
)
from commerce.selectors import decline_message_text, email_notification_content
from commerce.services import (
    EmailSendRun,
    email_notifications_queue,
    email_notifications_send_due,
    number_sequence_take,
    prospect_approve,
    prospect_reject,
)
from core.errors import NotAllowed, NotFound, ServiceError
from tests.factories import CustomerFactory, ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_number_sequence_hands_out_consecutive_numbers():
    first = number_sequence_take(code="prospect", count=2)
    second = number_sequence_take(code="prospect")
    assert first == ["PR-000001", "PR-000002"]
    assert second == ["PR-000003"]


def test_approve_builds_customers_hierarchy_admin_invitation_and_email():
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", first_name="Łucja")

    prospect_approve(prospect_number=prospect.prospect_number, actor="backoffice")

    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.APPROVED
    assert prospect.decided_by == "backoffice"
    organization = Customer.objects.get(account_number=prospect.organization_customer)
    person = Customer.objects.get(account_number=prospect.person_customer)
    assert organization.party_type == "organization"
    assert organization.name == "Žluťoučký kůň s.r.o."
    assert person.party_type == "person"
    assert person.first_name == "Łucja"
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=prospect.customer_hierarchy)
    assert hierarchy.name == "Žluťoučký kůň s.r.o."
    assert hierarchy.purpose == "B2B organization"
    assert hierarchy.organization == organization
    member = HierarchyMember.objects.get(hierarchy=hierarchy)
    assert (member.customer, member.role) == (person, HierarchyMember.Role.ADMIN)
    invitation = Invitation.objects.get(customer=person)
    assert invitation.used_at is None and invitation.expires_at > invitation.created_at
    email = EmailNotification.objects.get(type=EmailNotification.Type.PROSPECT_APPROVED)
    assert email.recipient == prospect.email
    assert "/partner/invitation/" in email_notification_content(email).body_text
    log = TransitionLog.objects.get(object_key=prospect.prospect_number)
    assert (log.source_state, log.target_state, log.actor) == ("new", "approved", "backoffice")


def test_approve_reuses_customers_created_for_the_prospect():
    prospect = ProspectFactory()
    organization = CustomerFactory(prospect_number=prospect.prospect_number)
    person = CustomerFactory(prospect_number=prospect.prospect_number, party_type="person")

    prospect_approve(
        prospect_number=prospect.prospect_number, actor="integration", decided_in_sales=True
    )

    prospect.refresh_from_db()
    assert prospect.organization_customer == organization.account_number
    assert prospect.person_customer == person.account_number
    assert Customer.objects.count() == 2


def test_reject_records_reason_and_queues_rejected_email():
    prospect = ProspectFactory()

    prospect_reject(prospect_number=prospect.prospect_number, reason="Poza obszarem", actor="bo")

    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.REJECTED
    assert prospect.status_reason == "Poza obszarem"
    email = EmailNotification.objects.get(type=EmailNotification.Type.PROSPECT_REJECTED)
    # The reason stays internal to HQ: the email carries the customer-facing line (SPEC §9).
    body = email_notification_content(email).body_text
    assert "Poza obszarem" not in body
    assert decline_message_text(category="hq", language=prospect.language) in body
    assert CustomerHierarchy.objects.count() == 0


def test_reject_needs_a_reason_and_changes_nothing():
    prospect = ProspectFactory()
    with pytest.raises(ServiceError):
        prospect_reject(prospect_number=prospect.prospect_number, reason="  ", actor="bo")
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW
    assert not EmailNotification.objects.exists()


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decided_prospect_cannot_be_decided_again(first):
    prospect = ProspectFactory()
    decide = {
        "approve": lambda: prospect_approve(prospect_number=prospect.prospect_number, actor="a"),
        "reject": lambda: prospect_reject(
            prospect_number=prospect.prospect_number, reason="r", actor="a"
        ),
    }
    decide[first]()
    for again in decide.values():
        with pytest.raises(NotAllowed):
            again()
    assert CustomerHierarchy.objects.count() == (1 if first == "approve" else 0)
    assert EmailNotification.objects.count() == 1


def test_manual_decisions_are_refused_while_sales_integration_is_on(settings):
    settings.SALES_INTEGRATION_ENABLED = True
    prospect = ProspectFactory()
    with pytest.raises(NotAllowed, match="decided in Sales"):
        prospect_approve(prospect_number=prospect.prospect_number, actor="bo")
    with pytest.raises(NotAllowed, match="decided in Sales"):
        prospect_reject(prospect_number=prospect.prospect_number, reason="x", actor="bo")
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.NEW


def test_unknown_prospect_is_not_found():
    with pytest.raises(NotFound):
        prospect_approve(prospect_number="PR-404404", actor="bo")


def _spec(key: str) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.PROSPECT_REJECTED,
        event_key=key,
        recipient="anna@example.pl",
        language="en",
        context={"first_name": "Anna", "last_name": "Nowak", "company_name": "Ącki", "reason": ""},
    )


def test_an_event_queues_its_email_once():
    email_notifications_queue(specs=[_spec("event-1")])
    email_notifications_queue(specs=[_spec("event-1")])
    assert EmailNotification.objects.count() == 1


def test_queued_email_is_sent_once_and_marked_sent():
    email_notifications_queue(specs=[_spec("event-2")])
    email_notifications_send_due()
    email_notifications_send_due()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.pl"]
    notification = EmailNotification.objects.get()
    assert notification.status == EmailNotification.Status.SENT
    assert notification.attempts == 1


def test_failing_transport_is_retried_with_backoff_then_marked_failed(settings, monkeypatch):
    settings.EMAIL_MAX_ATTEMPTS = 2

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    email_notifications_queue(specs=[_spec("event-3")])

    assert email_notifications_send_due().waiting == 1
    notification = EmailNotification.objects.get()
    assert notification.status == EmailNotification.Status.QUEUED
    assert notification.attempts == 1
    assert "SMTP down" in notification.last_error
    assert notification.next_attempt_at > notification.created_at

    EmailNotification.objects.update(next_attempt_at=notification.created_at)
    email_notifications_send_due()
    notification.refresh_from_db()
    assert notification.status == EmailNotification.Status.FAILED
    assert notification.attempts == 2


def test_bodies_are_rendered_when_first_sent_and_kept_for_retries(monkeypatch):
    email_notifications_queue(specs=[_spec("event-render")])
    queued = EmailNotification.objects.get()
    assert queued.subject and queued.context and not queued.body_text
    preview = email_notification_content(queued)

    email_notifications_send_due()

    sent = EmailNotification.objects.get()
    assert (sent.body_text, sent.body_html) == (preview.body_text, preview.body_html)
    assert mail.outbox[0].body == preview.body_text
    assert mail.outbox[0].alternatives[0][0] == preview.body_html
    # What was sent stays what HQ shows, whatever the templates say later.
    monkeypatch.setattr("commerce.selectors.email_render", lambda spec: None)
    assert email_notification_content(sent).body_text == preview.body_text


def test_a_run_stops_at_its_time_budget_and_says_more_is_due():
    email_notifications_queue(specs=[_spec(f"event-budget-{n}") for n in range(3)])
    run = email_notifications_send_due(time_budget=0)
    assert (run.sent, run.waiting, run.more_due) == (0, 3, True)
    run = email_notifications_send_due(time_budget=60)
    assert (run.sent, run.waiting, run.more_due) == (3, 0, False)
    assert len(mail.outbox) == 3


def test_one_mail_session_sends_the_whole_run(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    opened = []
    monkeypatch.setattr(EmailBackend, "open", lambda self: opened.append(self), raising=False)
    email_notifications_queue(specs=[_spec(f"event-session-{n}") for n in range(3)])
    email_notifications_send_due()
    assert len(mail.outbox) == 3
    assert len({id(backend) for backend in opened}) == 1


def test_one_mailer_runs_at_a_time():
    email_notifications_queue(specs=[_spec("event-one-mailer")])
    cache.add("commerce:mailer-running", 1, timeout=60)  # a run under way elsewhere

    # It sends nothing and says what waits, so that its task comes back for it later.
    assert email_notifications_send_due() == EmailSendRun(sent=0, waiting=1, more_due=False)
    assert mail.outbox == []

    cache.delete("commerce:mailer-running")  # that run ended
    assert email_notifications_send_due().sent == 1
    assert len(mail.outbox) == 1
    assert cache.get("commerce:mailer-running") is None  # a finished run leaves no mark
