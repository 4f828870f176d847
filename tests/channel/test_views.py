"""The B2B site pages: home, sign-up, confirmation and request status (SPEC §3, §10, §11)."""

import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from commerce.channel.models import OnboardingRequest
from commerce.models import ChannelRequest, EmailNotification, Prospect
from commerce.selectors import email_notification_content
from tests.factories import OnboardingRequestFactory, ProspectFactory

pytestmark = pytest.mark.django_db(databases="__all__")

SIGN_UP = "/partner/sign-up/"
STATUS = "/partner/request-status/"
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

SIGN_UP_DATA = {
    "company_name": "Hurtownia Łódź Sp. z o.o.",
    "first_name": "Zofia",
    "last_name": "Żółkiewska",
    "email": "zofia@hurtownia-lodz.pl",
    "phone": "+48 42 123 45 67",
    "job_title": "Kierownik zakupów",
    "street": "ul. Piotrkowska 1",
    "city": "Łódź",
    "state": "łódzkie",
    "postal_code": "90-001",
    "country": "PL",
    "tax_id": "PL1234567890",
    "website": "https://hurtownia.example.pl",
    "comments": "Prosimy o kontakt.\nŽluťoučký kůň úpěl ďábelské ódy.",
    "accept_terms": "on",
    "fax": "",
}


def _requests():
    return OnboardingRequest.objects.using("channel")


def _post(client, **changes):
    return client.post(SIGN_UP, {**SIGN_UP_DATA, **changes})


def test_home_page_names_the_store_and_links_to_the_sign_up(client, settings):
    settings.STORE_NAME = "Sklep Hurtowy Łódź"
    response = client.get("/")
    html = response.content.decode()
    assert "Sklep Hurtowy Łódź" in html
    assert f'href="{SIGN_UP}"' in html
    assert "Request a business account" in html
    assert "css/site.css" in html


def test_sign_up_page_shows_every_field_with_csrf_and_a_hidden_honeypot(client):
    html = client.get(SIGN_UP).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for name in [*SIGN_UP_DATA, "accept_terms"]:
        assert f'name="{name}"' in html, name
    assert '<label for="id_company_name">Company name</label>' in html
    assert '<option value="PL">Poland</option>' in html
    honeypot = re.search(r'<div class="honeypot" aria-hidden="true">.*?</div>', html, re.S)
    assert honeypot is not None
    assert 'tabindex="-1"' in honeypot.group() and 'autocomplete="off"' in honeypot.group()


def test_valid_sign_up_is_stored_byte_for_byte_and_redirects_to_the_confirmation(client):
    response = client.post(f"/pl{SIGN_UP}", SIGN_UP_DATA)

    request = _requests().get()
    assert response.status_code == 302
    assert response["Location"] == f"/pl/partner/sign-up/done/{request.request_id}/"
    for name, value in SIGN_UP_DATA.items():
        if name not in ("phone", "accept_terms", "fax"):
            assert getattr(request, name) == value, name
    assert request.phone == "+48421234567"
    assert request.language == "pl"
    assert request.status == OnboardingRequest.Status.RECEIVED
    assert request.terms_accepted_at is not None

    page = client.get(response["Location"]).content.decode()
    assert str(request.request_id) in page
    assert "Status: <strong>Otrzymane</strong>" in page
    assert "Otrzymaliśmy zgłoszenie dla firmy „Hurtownia Łódź Sp. z o.o.”." in page


def test_post_without_csrf_token_is_refused_and_stores_nothing():
    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGN_UP, SIGN_UP_DATA)
    assert response.status_code == 403
    assert not _requests().exists()

    client.get(SIGN_UP)
    token = client.cookies["csrftoken"].value
    response = client.post(SIGN_UP, {**SIGN_UP_DATA, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert _requests().count() == 1


def test_invalid_sign_up_shows_errors_next_to_the_fields_and_stores_nothing(client):
    response = _post(
        client, email="not-an-email", phone="12", city="Łódź\x1b", accept_terms="", country=""
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert not _requests().exists()
    assert "Please correct the fields marked below." in html
    assert re.search(
        r'name="email"[^>]*aria-invalid="true".*?<ul class="errorlist" id="id_email_error">'
        r"<li>Enter a valid email address.</li>",
        html,
        re.S,
    )
    assert "Enter a valid phone number." in html
    assert "Control characters (such as tabs or line breaks) are not allowed here." in html
    assert "Please accept the terms to send your request." in html
    # What the visitor typed is kept, Unicode intact.
    assert 'value="Hurtownia Łódź Sp. z o.o."' in html


INVALID_INPUTS = {
    "email": ("<input", "not-an-email"),
    "phone": ("<input", "12"),
    "city": ("<input", "Łódź\x1b"),
    "country": ("<select", ""),
    "accept_terms": ("<input", ""),
}


def test_every_invalid_input_is_marked_and_each_message_shown_once(client):
    html = _post(client, **{name: value for name, (_, value) in INVALID_INPUTS.items()}).content
    html = html.decode()

    for name, (tag, _) in INVALID_INPUTS.items():
        (element,) = re.findall(rf'{tag}[^>]*name="{name}"[^>]*>', html)
        assert 'aria-invalid="true"' in element, element
        assert re.search(r'class="[^"]*\binput--invalid\b', element), element
        errors = re.findall(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
        assert len(errors) == 1 and errors[0].count("<li>") == 1, (name, errors)
    # The summary points at the fields and repeats none of their messages.
    summary = re.search(r'<div class="alert alert--error" role="alert">(.*?)</div>', html, re.S)
    assert summary.group(1).count("<li>") == 0
    for valid in ("company_name", "first_name", "street"):
        (element,) = re.findall(rf'<input[^>]*name="{valid}"[^>]*>', html)
        assert "aria-invalid" not in element and "input--invalid" not in element


def test_html_in_input_is_escaped_when_the_form_is_shown_again(client):
    html = _post(client, company_name='<script>alert("x")</script>', email="bad").content.decode()
    assert "<script>alert" not in html
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in html


def test_html_in_company_name_is_stored_as_text_and_escaped_on_the_confirmation(client):
    company = "<script>alert(1)</script> & <b>Syn</b>"
    response = _post(client, company_name=company)

    assert _requests().get().company_name == company
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<b>Syn</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Syn&lt;/b&gt;" in page


def test_filled_honeypot_stores_nothing_and_reveals_no_reference(client):
    response = _post(client, fax="+1 555 0100")

    html = response.content.decode()
    assert response.status_code == 200
    assert "We have received your request and will be in touch." in html
    assert not UUID_PATTERN.search(html)
    assert not _requests().exists()


def test_second_open_request_for_the_same_email_is_answered_kindly(client):
    existing = OnboardingRequestFactory(email="zofia@hurtownia-lodz.pl")

    response = _post(client, email="Zofia@Hurtownia-Lodz.pl", company_name="Inna firma")

    html = response.content.decode()
    assert response.status_code == 200
    assert "We already have an open request for this email address; we&#x27;ll be in touch." in (
        html
    )
    assert str(existing.request_id) not in html
    assert not UUID_PATTERN.search(html)
    assert _requests().count() == 1


def test_open_prospect_in_hq_also_counts_as_an_open_request(client):
    ProspectFactory(email="zofia@hurtownia-lodz.pl")
    response = _post(client)
    assert "We already have an open request" in response.content.decode()
    assert not _requests().exists()


def test_rate_limit_answers_429_and_stores_nothing(client, settings):
    settings.SIGNUP_RATE_LIMIT = "2/m"
    assert _post(client, email="a@firma.pl").status_code == 302
    assert _post(client, email="b@firma.pl").status_code == 302

    response = _post(client, email="c@firma.pl")

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert "please wait a little and try again" in response.content.decode()
    assert sorted(_requests().values_list("email", flat=True)) == ["a@firma.pl", "b@firma.pl"]
    # Reading the form is never limited.
    assert client.get(SIGN_UP).status_code == 200


def test_rate_limit_is_per_client(client, settings):
    settings.SIGNUP_RATE_LIMIT = "1/m"
    assert _post(client, email="a@firma.pl").status_code == 302
    assert _post(client, email="b@firma.pl").status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.7")
    assert other.post(SIGN_UP, {**SIGN_UP_DATA, "email": "c@firma.pl"}).status_code == 302
    assert _requests().count() == 2


def test_confirmation_for_an_unknown_reference_is_404(client):
    assert client.get(f"/partner/sign-up/done/{uuid.uuid4()}/").status_code == 404
    assert client.get("/partner/sign-up/done/not-a-uuid/").status_code == 404


def test_confirmation_shows_no_personal_data_to_someone_with_only_the_reference(client):
    request = OnboardingRequestFactory(company_name="Tajná firma", email="tajne@firma.cz")
    html = Client().get(f"/partner/sign-up/done/{request.request_id}/").content.decode()
    assert str(request.request_id) in html
    assert "Tajná firma" not in html
    assert "tajne@firma.cz" not in html


def test_sign_up_runs_the_upload_on_commit_and_queues_the_receipt(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(using="channel", execute=True):
        response = _post(client)

    request = _requests().get()
    assert request.status == OnboardingRequest.Status.UPLOADED
    staged = ChannelRequest.objects.using("commerce").get(request_id=request.request_id)
    assert staged.payload["city"] == "Łódź"
    receipt = EmailNotification.objects.using("commerce").get(
        type=EmailNotification.Type.ONBOARDING_REQUEST_RECEIVED
    )
    assert receipt.recipient == "zofia@hurtownia-lodz.pl"
    assert receipt.body_text == ""  # rendered by the sending task
    body = email_notification_content(receipt).body_text
    assert str(request.request_id) in body
    assert "Hurtownia Łódź Sp. z o.o." in body
    page = client.get(response["Location"]).content.decode()
    assert "Status: <strong>Under review</strong>" in page


def test_status_page_shows_the_public_status_for_a_reference(client):
    request = OnboardingRequestFactory(status=OnboardingRequest.Status.UPLOADED)
    ProspectFactory(request_id=request.request_id, status=Prospect.Status.APPROVED)

    html = client.get(STATUS, {"reference": str(request.request_id)}).content.decode()

    assert "Status: <strong>Approved</strong>" in html
    assert str(request.request_id) in html
    assert request.company_name not in html


def test_status_page_refuses_unknown_and_malformed_references(client):
    unknown = client.get(STATUS, {"reference": str(uuid.uuid4())}).content.decode()
    assert "We could not find a request with this reference." in unknown
    assert "Status:" not in unknown

    malformed = client.get(STATUS, {"reference": "<b>abc</b>"}).content.decode()
    assert "Enter the reference exactly as we gave it to you." in malformed
    assert "<b>abc</b>" not in malformed


def test_status_page_without_a_reference_shows_the_empty_form(client):
    html = client.get(STATUS).content.decode()
    assert 'name="reference"' in html
    assert "errorlist" not in html


def test_pages_refuse_other_methods(client):
    assert client.put(SIGN_UP).status_code == 405
    assert client.post("/").status_code == 405
    assert client.post(STATUS).status_code == 405


def test_the_country_list_is_in_the_visitors_language_and_keeps_the_choice(client):
    page = client.get(f"/pl{SIGN_UP}").content.decode()
    select = re.search(r"<select name=\"country\"[^>]*>(.*?)</select>", page, re.S)
    assert select is not None
    assert 'id="id_country"' in select.group(0) and "required" in select.group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    assert options[0] == ("", " selected", "Wybierz kraj")  # the prompt, until one is chosen
    assert ("DE", "", "Niemcy") in options
    assert len(options) > 240 and sum(bool(chosen) for _, chosen, _ in options) == 1

    shown_again = _post(client, country="CZ", email="bad").content.decode()
    assert '<option value="CZ" selected>Czechia</option>' in shown_again
    assert shown_again.count(" selected>") == 1


def test_every_page_links_the_favicon_and_favicon_ico_leads_to_it(client):
    page = client.get(SIGN_UP).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg").endswith("static/favicon.svg")


@pytest.mark.parametrize("prefix", ["", "/pl", "/cs"])
def test_the_brand_leads_to_the_home_page_in_the_page_language(client, prefix):
    page = client.get(f"{prefix}{SIGN_UP}").content.decode()

    assert f'<a class="brand" href="{prefix}/">' in page
