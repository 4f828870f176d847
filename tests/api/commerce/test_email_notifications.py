"""Commerce HQ API (SPEC §10): email notifications and their bodies."""

import pytest

from commerce.models import EmailNotification
from tests.api.commerce.support import API, _numbers

pytestmark = pytest.mark.django_db(databases="__all__")


def _notification(**values) -> EmailNotification:
    defaults = {
        "type": EmailNotification.Type.PROSPECT_APPROVED,
        "event_key": f"test:{EmailNotification.objects.count()}",
        "recipient": "lucja@kun.cz",
        "subject": "Vítejte, Žluťoučký kůň",
        "body_text": "Dobrý den, Łucjo.",
    }
    return EmailNotification.objects.using("commerce").create(**{**defaults, **values})


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
