"""HQ's emails and the transition log (commerce/admin/emails.py, logs.py)."""

import pytest

from commerce.models import EmailNotification
from tests.factories import EmailNotificationFactory, ProspectFactory

from .support import hq_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_send_again_requeues_a_failed_email(back_office):
    failed = EmailNotificationFactory(status="failed", attempts=5, last_error="SMTP down")

    response = back_office.post(
        "/hq/commerce/emailnotification/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )

    email = EmailNotification.objects.using("commerce").get()
    assert (email.status, email.attempts) == ("queued", 0)
    assert "1 emails are queued to be sent again" in response.content.decode()


def test_email_detail_shows_the_html_escaped(back_office):
    email = EmailNotificationFactory(body_html="<script>alert('x')</script><p>Łódź</p>")

    page = back_office.get(hq_url("commerce_emailnotification_change", email.pk)).content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;p&gt;Łódź&lt;/p&gt;" in page
    assert "<script>alert(" not in page
    assert "Dzień dobry, Zofia Żółkiewska!" in page


def test_transition_log_is_searchable_by_object_key(back_office):
    wanted, other = ProspectFactory(), ProspectFactory()
    for prospect in (wanted, other):
        back_office.post(hq_url("commerce_prospect_approve", prospect.pk), follow=True)

    page = back_office.get("/hq/commerce/transitionlog/", {"q": wanted.prospect_number})

    assert wanted.prospect_number in page.content.decode()
    assert other.prospect_number not in page.content.decode()


def test_emails_name_their_language_in_the_list_and_on_the_page(back_office):
    email = EmailNotificationFactory(language="pl")

    listing = back_office.get("/hq/commerce/emailnotification/").content.decode()
    page = back_office.get(hq_url("commerce_emailnotification_change", email.pk)).content.decode()

    assert ">Polish<" in listing and ">pl<" not in listing
    assert '<div class="readonly">Polish</div>' in page


def test_transition_log_names_the_record_type_and_the_states(back_office):
    prospect = ProspectFactory()
    back_office.post(hq_url("commerce_prospect_reject", prospect.pk), {"reason": "Duplikat"})

    page = back_office.get("/hq/commerce/transitionlog/").content.decode()
    polish = back_office.get(
        "/hq/commerce/transitionlog/", {"model": "commerce.prospect"}, HTTP_ACCEPT_LANGUAGE="pl"
    ).content.decode()

    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "New → Rejected" in rows and "commerce.prospect" not in rows
    assert ">Prospect<" in rows and "Duplikat" in rows
    assert "Nowe → Odrzucone" in polish and prospect.prospect_number in polish
