"""The B2B site, the partner portal and every email in Polish and Czech (issue 4, item 6).

English stays at /partner/…, Polish and Czech live under /pl/ and /cs/. The translations come
from the compiled catalogues in locale/ (`make` compiles them before the tests run).
"""

import html
import re

import pytest
from django.core import mail

from commerce.channel.models import OnboardingRequest
from commerce.channel.services import partner_invitation_accept
from commerce.emails import EmailSpec, email_render
from commerce.jobs import job_execute
from commerce.models import EmailNotification
from commerce.selectors import email_notification_content

from .portal_support import PASSWORD, approved_organization
from .test_views import SIGN_UP_DATA

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_UP = "/partner/sign-up/"
STORE_NAME = "Velkoobchod Łódź"
# Input full of Polish and Czech letters and HTML, kept byte for byte.
PERSON = {"first_name": "Żaneta", "last_name": "Žluťoučká", "company_name": "Kůň & <Syn> s.r.o."}
SIGN_IN_URL = "https://b2b.example/cs/partner/invitation/tok3n/"
REQUEST_ID = "0b6f3c1e-8d2a-4c57-9a43-5e1f0d2b7a10"

# English sentences of the site and the emails that must not survive a translation.
ENGLISH_LEFTOVERS = [
    "Hello",
    "Kind regards",
    "The link works",
    "team",
    "Thank you",
    "business account",
    "Send request",
    "Request a business account",
    "Wholesale for businesses",
]

TRANSLATED = {
    "pl": {
        "submit": "Wyślij zgłoszenie",
        "company_label": '<label for="id_company_name">Nazwa firmy</label>',
        "home_title": f"Kupuj dla swojej firmy w {STORE_NAME}",
        "footer": "Hurt dla firm",
        "greeting": "Dzień dobry Żaneta Žluťoučká,",
        "signature": f"Zespół {STORE_NAME}",
        "subjects": {
            EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED: (
                f"Otrzymaliśmy Twoje zgłoszenie konta firmowego w {STORE_NAME}"
            ),
            EmailNotification.Type.PROSPECT_APPROVED: (
                f"Twoje konto firmowe w {STORE_NAME} zostało zatwierdzone"
            ),
            EmailNotification.Type.PROSPECT_REJECTED: (
                f"Twoje zgłoszenie konta firmowego w {STORE_NAME}"
            ),
            EmailNotification.Type.PARTNER_USER_INVITED: (
                f"Zaproszenie do konta firmowego Kůň & <Syn> s.r.o. w {STORE_NAME}"
            ),
            EmailNotification.Type.PARTNER_USER_JOINED: (
                "Petra Nováková ma teraz dostęp do konta firmowego Kůň & <Syn> s.r.o."
            ),
            EmailNotification.Type.ORDER_PLACED: "Otrzymaliśmy Twoje zamówienie O-000042",
            EmailNotification.Type.ORDER_APPROVAL_REQUESTED: (
                "Zamówienie O-000042 (osoba zamawiająca: Petra Nováková) czeka na Twoje "
                "zatwierdzenie"
            ),
            EmailNotification.Type.ORDER_DECLINED: "Twoje zamówienie O-000042 zostało odrzucone",
            EmailNotification.Type.ORDER_CONFIRMED: (
                "Twoje zamówienie O-000042 zostało potwierdzone"
            ),
            EmailNotification.Type.ORDER_CANCELLED: "Twoje zamówienie O-000042 zostało anulowane",
        },
        "expires_in_7_days": "Link działa jednorazowo i wygasa za 7 dni.",
        "expires_in_2_days": "Link działa jednorazowo i wygasa za 2 dni.",
        "reason": "Mimo naši <oblast>",
        "password_reset_subject": f"Zresetuj hasło w {STORE_NAME}",
        "email_error": "Wpisz poprawny adres e-mail.",
    },
    "cs": {
        "submit": "Odeslat žádost",
        "company_label": '<label for="id_company_name">Název firmy</label>',
        "home_title": f"Nakupujte pro svou firmu v {STORE_NAME}",
        "footer": "Velkoobchod pro firmy",
        "greeting": "Dobrý den, Żaneta Žluťoučká,",
        "signature": f"Tým {STORE_NAME}",
        "subjects": {
            EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED: (
                f"Obdrželi jsme vaši žádost o firemní účet v {STORE_NAME}"
            ),
            EmailNotification.Type.PROSPECT_APPROVED: (
                f"Váš firemní účet v {STORE_NAME} je schválen"
            ),
            EmailNotification.Type.PROSPECT_REJECTED: f"Vaše žádost o firemní účet v {STORE_NAME}",
            EmailNotification.Type.PARTNER_USER_INVITED: (
                f"Pozvánka k firemnímu účtu Kůň & <Syn> s.r.o. v {STORE_NAME}"
            ),
            EmailNotification.Type.PARTNER_USER_JOINED: (
                "Nový uživatel firemního účtu Kůň & <Syn> s.r.o.: Petra Nováková"
            ),
            EmailNotification.Type.ORDER_PLACED: "Obdrželi jsme vaši objednávku O-000042",
            EmailNotification.Type.ORDER_APPROVAL_REQUESTED: (
                "Objednávka O-000042 uživatele Petra Nováková čeká na vaše schválení"
            ),
            EmailNotification.Type.ORDER_DECLINED: "Vaše objednávka O-000042 byla zamítnuta",
            EmailNotification.Type.ORDER_CONFIRMED: "Vaše objednávka O-000042 je potvrzena",
            EmailNotification.Type.ORDER_CANCELLED: "Vaše objednávka O-000042 byla zrušena",
        },
        "expires_in_7_days": "Odkaz funguje jednou a jeho platnost vyprší za 7 dní.",
        "expires_in_2_days": "Odkaz funguje jednou a jeho platnost vyprší za 2 dny.",
        "reason": "Mimo naši <oblast>",
        "password_reset_subject": f"Obnovte si heslo v {STORE_NAME}",
        "email_error": "Zadejte platnou e-mailovou adresu.",
    },
}
LANGUAGES = list(TRANSLATED)


@pytest.fixture(autouse=True)
def _store(settings):
    settings.STORE_NAME = STORE_NAME
    settings.SITE_URL = "https://b2b.example"


def _visible_text(page: str) -> str:
    """The page without tags, so attribute values and markup do not count as text."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_up_page_is_translated(client, language):
    words = TRANSLATED[language]
    response = client.get(f"/{language}{SIGN_UP}")

    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert words["submit"] in page
    assert words["company_label"] in page
    assert "Send request" not in page
    assert "Company name" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_is_translated(client, language):
    words = TRANSLATED[language]
    page = client.get(f"/{language}/").content.decode()

    assert f'<html lang="{language}">' in page
    assert words["home_title"] in page
    assert words["footer"] in page
    text = _visible_text(page)
    for english in ["Request a business account", "Wholesale for businesses", "How it works"]:
        assert english not in text


def test_unprefixed_site_addresses_stay_english_whatever_the_browser_asks_for(client):
    page = client.get(SIGN_UP, headers={"accept-language": "pl"}).content.decode()

    assert '<html lang="en">' in page
    assert "Send request" in page
    assert TRANSLATED["pl"]["submit"] not in page


def test_the_switcher_links_to_the_same_page_in_each_language(client):
    page = client.get(f"/cs{SIGN_UP}?source=%C5%BE").content.decode()

    switcher = re.search(r'<nav class="language-switcher" aria-label="Jazyk">.*?</nav>', page, re.S)
    assert switcher is not None
    links = re.findall(
        r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+"([^>]*)>([^<]+)</a>', switcher.group()
    )
    assert links == [
        ("/partner/sign-up/?source=%C5%BE", "en", "", "English"),
        ("/pl/partner/sign-up/?source=%C5%BE", "pl", "", "Polski"),
        ("/cs/partner/sign-up/?source=%C5%BE", "cs", ' aria-current="true"', "Čeština"),
    ]


def test_a_refused_invitation_link_is_not_echoed_by_the_switcher(client):
    page = client.get("/pl/partner/invitation/s3cret-t0ken/").content.decode()

    assert "Ten link jest nieprawidłowy" in page
    assert "s3cret-t0ken" not in page
    assert 'href="/cs/" hreflang="cs"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sign_up_in_the_language_stores_the_input_byte_for_byte(client, language):
    response = client.post(f"/{language}{SIGN_UP}", SIGN_UP_DATA)

    request = OnboardingRequest.objects.using("channel").get()
    assert response["Location"] == f"/{language}/partner/sign-up/done/{request.request_id}/"
    assert request.language == language
    for name in ["company_name", "last_name", "job_title", "street", "city", "state", "comments"]:
        assert getattr(request, name) == SIGN_UP_DATA[name], name
    job_execute(code="P-0001")  # uploads the request to HQ, which queues the email
    email = EmailNotification.objects.using("commerce").get()
    assert email.language == language
    assert email.subject == TRANSLATED[language]["subjects"][email.type]
    body = email_notification_content(email).body_text
    assert "Hurtownia Łódź Sp. z o.o." in body
    # The status link opens the site in the language of the email.
    assert f"https://b2b.example/{language}/partner/request-status/?reference=" in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_errors_are_translated_and_the_input_is_shown_back_unchanged(client, language):
    data = {**SIGN_UP_DATA, "company_name": "Kůň & <Syn> s.r.o.", "email": "zaneta@"}
    page = client.post(f"/{language}{SIGN_UP}", data).content.decode()

    assert TRANSLATED[language]["email_error"] in page
    assert "Enter a valid email address." not in page
    assert 'value="Kůň &amp; &lt;Syn&gt; s.r.o."' in page
    assert not OnboardingRequest.objects.using("channel").exists()


def _render(type_, language, **context):
    return email_render(
        EmailSpec(
            type=type_,
            event_key=f"{type_}:i18n",
            recipient="zaneta@kun.cz",
            language=language,
            context={**PERSON, **context},
        )
    )


ORDER = {
    "order_number": "O-000042",
    "purchase_order": "ZAM/2026/17",
    "total": "12300.50",
    "currency": "PLN",
    "buyer_name": "Petra Nováková",
    "order_url": "https://b2b.example/partner/orders/O-000042/",
    "lines": [
        {
            "product_number": "FX-1001",
            "product_name": "Wkręt do drewna",
            "quantity": 3,
            "line_total": "12300.50",
        }
    ],
    "approval_reason": "Powyżej limitu",
    "reason": "Mimo naši <oblast>",
    "sales_order": "SO-000007",
}


EMAIL_CONTEXTS = {
    EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED: {"request_id": REQUEST_ID},
    EmailNotification.Type.PROSPECT_APPROVED: {
        "email": "zaneta@kun.cz",
        "sign_in_url": SIGN_IN_URL,
        "invitation_days": 7,
    },
    EmailNotification.Type.PROSPECT_REJECTED: {"reason_message": "Mimo naši <oblast>"},
    EmailNotification.Type.PARTNER_USER_INVITED: {"sign_in_url": SIGN_IN_URL, "invitation_days": 7},
    EmailNotification.Type.PARTNER_USER_JOINED: {
        "new_user_name": "Petra Nováková",
        "new_user_email": "petra@kun.cz",
    },
    EmailNotification.Type.ORDER_PLACED: ORDER,
    EmailNotification.Type.ORDER_APPROVAL_REQUESTED: ORDER,
    EmailNotification.Type.ORDER_DECLINED: ORDER,
    EmailNotification.Type.ORDER_CONFIRMED: ORDER,
    EmailNotification.Type.ORDER_CANCELLED: ORDER,
}


def test_every_email_type_is_covered():
    assert set(EMAIL_CONTEXTS) == set(EmailNotification.Type.values)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("type_", list(EMAIL_CONTEXTS))
def test_every_email_is_translated_and_keeps_the_input(language, type_):
    words = TRANSLATED[language]
    email = _render(type_, language, **EMAIL_CONTEXTS[type_])

    assert email.subject == words["subjects"][type_]
    assert f'<html lang="{language}">' in email.body_html
    assert words["greeting"] in email.body_text
    assert html.escape(words["greeting"], quote=False) in email.body_html
    assert words["signature"] in email.body_text
    assert "Kůň & <Syn> s.r.o." in email.body_text
    assert "<Syn>" not in email.body_html
    for english in ENGLISH_LEFTOVERS:
        assert english not in email.body_text, english
        assert english not in _visible_text(email.body_html), english
    if "sign_in_url" in EMAIL_CONTEXTS[type_]:
        assert words["expires_in_7_days"] in email.body_text
        assert SIGN_IN_URL in email.body_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_customer_facing_message_is_kept_byte_for_byte(language):
    email = _render(
        EmailNotification.Type.PROSPECT_REJECTED, language, reason_message="Mimo naši <oblast>"
    )

    assert TRANSLATED[language]["reason"] in email.body_text
    assert html.escape(TRANSLATED[language]["reason"], quote=False) in email.body_html


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_follow_the_language(language):
    email = _render(
        EmailNotification.Type.PARTNER_USER_INVITED,
        language,
        sign_in_url=SIGN_IN_URL,
        invitation_days=2,
    )

    assert TRANSLATED[language]["expires_in_2_days"] in email.body_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_approval_email_links_to_the_site_in_the_recipients_language(language):
    organization = approved_organization(language=language, **PERSON)

    email = EmailNotification.objects.using("commerce").get(
        type=EmailNotification.Type.PROSPECT_APPROVED
    )
    assert email.language == language
    assert email.subject == TRANSLATED[language]["subjects"][email.type]
    link = f"https://b2b.example/{language}/partner/invitation/{organization.admin_token}/"
    assert link in email_notification_content(email).body_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_reset_email_is_in_the_language_of_the_page(client, language):
    organization = approved_organization(email="zaneta@kun.cz", **PERSON)
    partner_invitation_accept(token=organization.admin_token, password=PASSWORD)

    response = client.post(f"/{language}/partner/password-reset/", {"email": "zaneta@kun.cz"})

    assert response["Location"] == f"/{language}/partner/password-reset/sent/"
    (message,) = mail.outbox
    assert message.subject == TRANSLATED[language]["password_reset_subject"]
    assert TRANSLATED[language]["greeting"] in message.body
    assert TRANSLATED[language]["signature"] in message.body
    assert f"http://testserver/{language}/partner/password-reset/" in message.body
    for english in ENGLISH_LEFTOVERS:
        assert english not in message.body, english


def test_the_api_keeps_answering_in_the_language_the_client_asks_for(client):
    response = client.get("/api/channel/does-not-exist/", headers={"accept-language": "cs"})

    assert response["Content-Language"] == "cs"


@pytest.mark.parametrize("language", LANGUAGES)
def test_order_emails_write_money_in_the_reader_s_locale(language):
    email = _render(EmailNotification.Type.ORDER_PLACED, language, **ORDER)
    expected = {"pl": "12\xa0300,50\xa0zł", "cs": "12\xa0300,50\xa0PLN"}[language]
    assert expected in email.body_text and "ZAM/2026/17" in email.body_text
