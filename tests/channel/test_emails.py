"""The email templates of SPEC §9, rendered the way HQ queues them."""

import pytest

from commerce.emails import EmailSpec, email_render
from commerce.models import EmailNotification

pytestmark = pytest.mark.django_db(databases="__all__")

PERSON = {
    "first_name": "Jiří",
    "last_name": "Žluťoučký",
    "company_name": "Kůň & <Syn> s.r.o.",
}
SIGN_IN_URL = "https://b2b.example/partner/invitation/tok3n/?next=/&lang=cs"
# What an order email is given (commerce/emails/orders.py).
ORDER = {
    "order_number": "O-000042",
    "purchase_order": "PO <7>",
    "total": "12300.50",
    "currency": "PLN",
    "buyer_name": "Petra Nováková",
    "order_url": "https://b2b.example/partner/orders/O-000042/",
    "lines": [
        {
            "product_number": "FX-1001",
            "product_name": "Wood screw 4 x 40 mm",
            "quantity": 3,
            "line_total": "12300.50",
        }
    ],
    "approval_reason": "Above the spending limit per order (PLN 1,000.00).",
    "sales_order": "SO-000007",
}


def _render(type_, language="en", **context):
    return email_render(
        EmailSpec(
            type=type_,
            event_key=f"{type_}:test",
            recipient="jiri@kun.cz",
            language=language,
            context={**PERSON, **context},
        )
    )


@pytest.fixture(autouse=True)
def _store(settings):
    settings.STORE_NAME = "Velkoobchod Łódź"
    settings.SITE_URL = "https://b2b.example"


def _assert_common(email: EmailNotification):
    assert "Hello Jiří Žluťoučký," in email.body_text
    assert "Hello Jiří Žluťoučký," in email.body_html
    # Plain text keeps what was typed; HTML escapes it.
    assert "Kůň & <Syn> s.r.o." in email.body_text
    assert "Kůň &amp; &lt;Syn&gt; s.r.o." in email.body_html
    assert "<Syn>" not in email.body_html
    assert "The Velkoobchod Łódź team" in email.body_text
    assert email.body_html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in email.body_html
    assert "{{" not in email.body_text + email.body_html + email.subject
    assert "\n" not in email.subject


def test_onboarding_request_received():
    email = _render(
        EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED,
        request_id="0b6f3c1e-8d2a-4c57-9a43-5e1f0d2b7a10",
    )
    _assert_common(email)
    assert email.subject == "We have received your business account request at Velkoobchod Łódź"
    assert "Your reference: 0b6f3c1e-8d2a-4c57-9a43-5e1f0d2b7a10" in email.body_text
    status_url = (
        "https://b2b.example/partner/request-status/?reference=0b6f3c1e-8d2a-4c57-9a43-5e1f0d2b7a10"
    )
    assert status_url in email.body_text
    assert f'href="{status_url}"' in email.body_html


def test_prospect_approved():
    email = _render(
        EmailNotification.Type.PROSPECT_APPROVED,
        email="jiri@kun.cz",
        sign_in_url=SIGN_IN_URL,
        invitation_days=7,
    )
    _assert_common(email)
    assert email.subject == "Your business account at Velkoobchod Łódź is approved"
    assert "the business account of Kůň & <Syn> s.r.o. at Velkoobchod Łódź is approved" in (
        email.body_text
    )
    assert "You sign in with your email address: jiri@kun.cz" in email.body_text
    assert f"\n{SIGN_IN_URL}\n" in email.body_text
    assert "The link works once and expires in 7 days." in email.body_text
    assert SIGN_IN_URL.replace("&", "&amp;") in email.body_html
    assert "expires in 7 days" in email.body_html
    assert "https://b2b.example" in email.body_text


def test_invitation_validity_of_one_day_is_singular():
    email = _render(
        EmailNotification.Type.PROSPECT_APPROVED,
        email="jiri@kun.cz",
        sign_in_url=SIGN_IN_URL,
        invitation_days=1,
    )
    assert "expires in 1 day." in email.body_text


def test_prospect_rejected_shows_the_customer_facing_message():
    email = _render(EmailNotification.Type.PROSPECT_REJECTED, reason_message="Mimo naši <oblast>")
    _assert_common(email)
    assert email.subject == "Your business account request at Velkoobchod Łódź"
    assert "Mimo naši <oblast>" in email.body_text
    assert "Mimo naši &lt;oblast&gt;" in email.body_html
    assert "Reason" not in email.body_text


def test_prospect_rejected_never_shows_an_internal_reason():
    email = _render(EmailNotification.Type.PROSPECT_REJECTED, reason="Out-sold (Cheap Bolts)")
    _assert_common(email)
    assert "cannot offer you a business account" in email.body_text
    assert "Cheap Bolts" not in email.body_text and "Cheap Bolts" not in email.body_html
    assert "\n\n\n" not in email.body_text


def test_partner_user_joined_tells_the_admin_who_joined():
    email = _render(
        EmailNotification.Type.PARTNER_USER_JOINED,
        new_user_name="Petra Nováková",
        new_user_email="petra@kun.cz",
    )
    _assert_common(email)
    assert "Petra Nováková (petra@kun.cz)" in email.body_text
    assert "Organization users" in email.body_text


def test_partner_user_invited():
    email = _render(
        EmailNotification.Type.PARTNER_USER_INVITED,
        sign_in_url=SIGN_IN_URL,
        invitation_days=7,
    )
    assert email.subject == (
        "You are invited to the business account of Kůň & <Syn> s.r.o. at Velkoobchod Łódź"
    )
    assert "added as a user of the business account of Kůň & <Syn> s.r.o." in email.body_text
    assert f"\n{SIGN_IN_URL}\n" in email.body_text
    assert "expires in 7 days" in email.body_text
    assert '<html lang="en">' in email.body_html
    assert SIGN_IN_URL.replace("&", "&amp;") in email.body_html


@pytest.mark.parametrize("type_", EmailNotification.Type.values)
def test_every_notification_type_has_templates(type_):
    email = _render(
        type_,
        request_id="0b6f3c1e-8d2a-4c57-9a43-5e1f0d2b7a10",
        email="jiri@kun.cz",
        sign_in_url=SIGN_IN_URL,
        invitation_days=7,
        **ORDER,
        reason="",
    )
    assert email.subject
    assert "Jiří" in email.body_text
    assert "Jiří" in email.body_html


@pytest.mark.parametrize(
    "type_", [t for t in EmailNotification.Type.values if t.startswith("order_")]
)
def test_order_emails_name_the_order_its_lines_and_total_in_the_reader_s_locale(type_):
    email = _render(type_, **ORDER, reason="Budget <closed>")
    _assert_common(email)
    assert "O-000042" in email.subject
    assert "PLN\xa012,300.50" in email.body_text
    assert "FX-1001" in email.body_text and "Wood screw 4 x 40 mm" in email.body_text
    assert ORDER["order_url"] in email.body_text

    polish = _render(type_, "pl", **ORDER, reason="Budget <closed>")
    assert "12\xa0300,50\xa0zł" in polish.body_text


def test_a_declined_or_cancelled_order_gives_the_reason_and_an_approval_request_the_limit():
    declined = _render(EmailNotification.Type.ORDER_DECLINED, **ORDER, reason="Budget <closed>")
    assert "Budget <closed>" in declined.body_text
    assert "Budget &lt;closed&gt;" in declined.body_html
    cancelled = _render(EmailNotification.Type.ORDER_CANCELLED, **ORDER, reason="Out of stock")
    assert "Out of stock" in cancelled.body_text
    asked = _render(EmailNotification.Type.ORDER_APPROVAL_REQUESTED, **ORDER, reason="")
    assert "Petra Nováková" in asked.subject
    assert "spending limit per order" in asked.body_text
