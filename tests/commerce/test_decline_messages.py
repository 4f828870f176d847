"""Customer-facing decline emails (SPEC §9): a line per reason category and language, edited in
HQ; the CRM's internal reason, a competitor's name or a rep's notes never reach the customer."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commerce.models import AuditEntry, DeclineMessage, EmailNotification, Prospect
from commerce.selectors import decline_message_text, email_notification_content
from commerce.services import decline_message_set, prospect_reject
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from core.errors import ServiceError
from tests.factories import ProspectFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

DB = "commerce"
LANGUAGES = ("en", "pl", "cs")
# English words of the decline email that must not survive in a Czech one.
ENGLISH = ("Thank you", "business account", "apply again", "review")


def _line(category: str, language: str) -> str:
    return DeclineMessage.objects.using(DB).get(category=category, language=language).text


def _rejected_email(*, language: str, reason: str = "Not a business", **decision):
    """Reject a new prospect writing in `language`; the prospect and its decline email."""
    prospect = ProspectFactory(language=language)
    prospect_reject(prospect_number=prospect.prospect_number, reason=reason, actor="bo", **decision)
    notification = EmailNotification.objects.using(DB).get(
        type=EmailNotification.Type.PROSPECT_REJECTED,
        event_key=f"prospect_rejected:{prospect.prospect_number}",
    )
    return prospect, email_notification_content(notification)


def _everything(email) -> str:
    return "\n".join([email.subject, email.body_text, email.body_html])


# --- the seeded lines -------------------------------------------------------------------------


def test_every_category_has_a_polite_line_in_every_language():
    seeded = {
        (row.category, row.language): row.text for row in DeclineMessage.objects.using(DB).all()
    }

    assert set(seeded) == {
        (category, language)
        for category in DeclineMessage.Category.values
        for language in LANGUAGES
    }
    for (category, language), text in seeded.items():
        assert text.strip(), (category, language)
        for internal in ("Out-sold", "out-sold", "competitor", "Lead:", "Opportunity:"):
            assert internal not in text, (category, language)
    assert "ř" in seeded[("generic", "cs")] or "č" in seeded[("generic", "cs")]
    assert "ż" in seeded[("generic", "pl")] or "ś" in seeded[("generic", "pl")]


# --- the email --------------------------------------------------------------------------------


def test_out_sold_rejection_shows_the_customer_line_never_the_competitor():
    prospect, email = _rejected_email(
        language="en", reason="Out-sold (Cheap Bolts GmbH)", category="out_sold"
    )

    out_sold = _line("out_sold", "en")
    assert out_sold != _line("generic", "en")
    assert out_sold in email.body_text
    assert out_sold in email.body_html
    assert "Cheap Bolts" not in _everything(email)
    assert "Out-sold" not in _everything(email)
    assert "Reason" not in _everything(email)
    # The internal reason stays visible in HQ.
    prospect.refresh_from_db()
    assert prospect.status == Prospect.Status.REJECTED
    assert prospect.status_reason == "Out-sold (Cheap Bolts GmbH)"
    assert prospect.reason_category == "out_sold"


def test_czech_prospect_gets_the_czech_line_of_its_category():
    _, email = _rejected_email(
        language="cs", reason="No longer interested", category="no_longer_interested"
    )

    assert _line("no_longer_interested", "cs") in email.body_text
    assert "Děkujeme za váš zájem stát se obchodním partnerem" in email.body_text
    assert "No longer interested" not in _everything(email)
    for english in ENGLISH:
        assert english not in email.body_text, english
    assert _line("no_longer_interested", "en") not in email.body_text


@pytest.mark.parametrize(
    ("decision", "line"),
    [
        ({}, "hq"),  # rejected by hand in HQ
        ({"decided_in_sales": True}, "generic"),  # a Sales decision without a known category
        ({"category": "closed_by_alien_reason"}, "generic"),  # a category without a line
    ],
)
def test_a_rejection_gets_the_line_of_its_category_else_the_generic_one(decision, line):
    _, email = _rejected_email(language="pl", reason="Internal score 12/100", **decision)

    assert _line(line, "pl") in email.body_text
    assert "Internal score" not in _everything(email)


def test_the_message_is_escaped_in_html_and_keeps_its_line_breaks():
    decline_message_set(
        category="hq", language="en", text="Sorry <b>&</b>\nTry again.", actor="ewa"
    )

    _, email = _rejected_email(language="en")

    assert "Sorry <b>&</b>\nTry again." in email.body_text
    assert "Sorry &lt;b&gt;&amp;&lt;/b&gt;<br>Try again." in email.body_html


def test_an_email_queued_before_the_change_never_shows_its_reason():
    """Emails queued with the old context (`reason`) are rendered without it."""
    prospect = ProspectFactory(language="cs")
    notification = EmailNotification.objects.using(DB).create(
        type=EmailNotification.Type.PROSPECT_REJECTED,
        event_key="prospect_rejected:old",
        recipient=prospect.email,
        language="cs",
        subject="Vaše žádost",
        context={
            "first_name": "Eva",
            "last_name": "Nová",
            "company_name": "Kůň s.r.o.",
            "reason": "Out-sold (Cheap Bolts GmbH)",
        },
    )

    email = email_notification_content(notification)

    assert "Cheap Bolts" not in _everything(email)
    assert "nemůžeme nabídnout firemní účet" in email.body_text


# --- the selector -----------------------------------------------------------------------------


def test_the_line_falls_back_to_generic_then_english_then_the_built_in_default():
    assert decline_message_text(category="", language="cs") == _line("generic", "cs")
    messages = DeclineMessage.objects.using(DB)
    messages.filter(category="lost", language="cs").delete()
    assert decline_message_text(category="lost", language="cs") == _line("generic", "cs")

    messages.filter(category="generic", language="cs").delete()
    assert decline_message_text(category="lost", language="cs") == _line("generic", "en")

    messages.filter(category="generic").delete()
    default = decline_message_text(category="lost", language="cs")
    assert default.startswith("Po pečlivém posouzení")
    assert decline_message_text(category="lost", language="en").startswith("After careful review")


def test_the_line_is_read_in_one_query():
    with CaptureQueriesContext(connections[DB]) as queries:
        decline_message_text(category="out_sold", language="pl")
    assert len(queries) == 1


# --- the service ------------------------------------------------------------------------------


def test_set_changes_the_line_and_records_who_and_what():
    old = _line("out_sold", "pl")

    message = decline_message_set(
        category="out_sold", language="pl", text="  Dziękujemy, zapraszamy ponownie.  ", actor="ewa"
    )

    assert message.text == "Dziękujemy, zapraszamy ponownie."
    assert message.updated_by == "ewa"
    assert _line("out_sold", "pl") == "Dziękujemy, zapraszamy ponownie."
    audit = AuditEntry.objects.using(DB).get(model="commerce.declinemessage")
    assert (audit.object_key, audit.field, audit.actor) == ("out_sold/pl", "text", "ewa")
    assert (audit.old_value, audit.new_value) == (old, "Dziękujemy, zapraszamy ponownie.")


def test_set_creates_a_missing_line():
    DeclineMessage.objects.using(DB).filter(category="hq", language="cs").delete()

    decline_message_set(category="hq", language="cs", text="Děkujeme.", actor="ewa")

    assert _line("hq", "cs") == "Děkujeme."


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"text": ""}, "text_required"),
        ({"text": "   \n "}, "text_required"),
        ({"text": "Sorry\x07"}, "control_characters"),
        ({"text": "x" * 1001}, "text_too_long"),
        ({"category": "competitor_won"}, "unknown_category"),
        ({"language": "de"}, "unknown_language"),
    ],
)
def test_set_refuses_invalid_input_and_changes_nothing(values, code):
    before = _line("generic", "en")
    arguments = {"category": "generic", "language": "en", "text": "Fine.", "actor": "ewa"}

    with pytest.raises(ServiceError) as refused:
        decline_message_set(**{**arguments, **values})

    assert refused.value.code == code
    assert str(refused.value.message)
    assert _line("generic", "en") == before
    assert not AuditEntry.objects.using(DB).exists()


def test_set_keeps_tabs_and_line_breaks():
    decline_message_set(category="lost", language="en", text="Sorry.\n\tBye.", actor="ewa")
    assert _line("lost", "en") == "Sorry.\n\tBye."


# --- HQ ---------------------------------------------------------------------------------------


def _url(name: str, *args) -> str:
    return reverse(f"hq:commerce_declinemessage_{name}", args=args)


@pytest.fixture
def back_office(client):
    user = UserFactory(username="ewa.backoffice", is_staff=False, groups=[COMMERCE_BACK_OFFICE])
    client.force_login(user)
    return client


def test_back_office_lists_the_lines(back_office):
    page = back_office.get(_url("changelist")).content.decode()

    assert "Opportunity: out-sold" in page
    assert "Thank you for considering our offer." in page
    assert "migration" in page


def test_editing_a_line_in_hq_changes_the_next_email(back_office):
    message = DeclineMessage.objects.using(DB).get(category="out_sold", language="pl")
    form = back_office.get(_url("change", message.pk)).content.decode()
    assert 'name="text"' in form
    # The console header's language picker has a `language` field of its own.
    assert 'id="id_category"' not in form and 'id="id_language"' not in form
    assert _url("delete", message.pk) not in form

    response = back_office.post(
        _url("change", message.pk), {"text": "Dziękujemy za zgłoszenie, zapraszamy ponownie."}
    )

    assert response.status_code == 302
    message.refresh_from_db(using=DB)
    assert message.text == "Dziękujemy za zgłoszenie, zapraszamy ponownie."
    assert message.updated_by == "ewa.backoffice"
    _, email = _rejected_email(
        language="pl", reason="Out-sold (Cheap Bolts GmbH)", category="out_sold"
    )
    assert "Dziękujemy za zgłoszenie, zapraszamy ponownie." in email.body_text
    assert "Cheap Bolts" not in _everything(email)


def test_hq_refuses_an_empty_or_control_character_text(back_office):
    message = DeclineMessage.objects.using(DB).get(category="lost", language="en")
    before = message.text

    empty = back_office.post(_url("change", message.pk), {"text": "  "})
    control = back_office.post(_url("change", message.pk), {"text": "Sorry\x07"})

    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    assert control.status_code == 200
    assert "Control characters are not allowed." in control.content.decode()
    assert _line("lost", "en") == before


def test_hq_adds_a_missing_line_and_refuses_a_second_one(back_office):
    DeclineMessage.objects.using(DB).filter(category="canceled", language="cs").delete()
    data = {"category": "canceled", "language": "cs", "text": "Vaše žádost byla uzavřena."}

    added = back_office.post(_url("add"), data)
    again = back_office.post(_url("add"), {**data, "text": "Jiný text."})

    assert added.status_code == 302
    assert again.status_code == 200
    assert _line("canceled", "cs") == "Vaše žádost byla uzavřena."
    assert DeclineMessage.objects.using(DB).get(category="canceled", language="cs").updated_by == (
        "ewa.backoffice"
    )


def test_back_office_cannot_delete_a_line(back_office):
    message = DeclineMessage.objects.using(DB).get(category="generic", language="en")

    assert back_office.post(_url("delete", message.pk), {"post": "yes"}).status_code == 403
    assert DeclineMessage.objects.using(DB).filter(pk=message.pk).exists()


@pytest.mark.parametrize("group", [INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES])
def test_integration_admins_and_reps_cannot_open_the_lines(client, group):
    client.force_login(UserFactory(groups=[group]))
    message = DeclineMessage.objects.using(DB).get(category="generic", language="en")

    assert client.get(_url("changelist")).status_code in (302, 403)
    response = client.post(_url("change", message.pk), {"text": "Hacked."})
    assert response.status_code in (302, 403)
    assert _line("generic", "en") != "Hacked."
