"""Password-reset emails throttled per account and per client (SPEC §11).

Before issue 11, the partner site sent a reset email to the same person on every request.
"""

import pytest
from django.test import Client

from commerce.channel.services import partner_invitation_accept
from tests.channel.portal_support import PASSWORD, approved_organization

pytestmark = pytest.mark.django_db(databases="__all__")

RESET = "/partner/password-reset/"
SENT = "/partner/password-reset/sent/"
EMAIL = "jiri.dvorak@kun.cz"
TOO_MANY = "We received too many password-reset requests from your network"


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.PASSWORD_RESET_RATE_PER_ACCOUNT = "3/h"
    settings.PASSWORD_RESET_RATE_PER_CLIENT = "6/h"


@pytest.fixture
def partner():
    organization = approved_organization(email=EMAIL, first_name="Jiří")
    partner_invitation_accept(token=organization.admin_token, password=PASSWORD)


def _reset(email: str, address: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=address).post(RESET, {"email": email})


def _reset_mails(mailoutbox, email: str = EMAIL) -> int:
    return sum(1 for message in mailoutbox if email in message.to)


def test_the_fourth_request_for_one_account_sends_no_email(partner, mailoutbox):
    for address in ("198.51.100.7", "198.51.100.8", "203.0.113.9"):
        assert _reset(EMAIL, address)["Location"] == SENT
    assert _reset_mails(mailoutbox) == 3

    # Another spelling of the same mailbox, from yet another client: the same account.
    fourth = _reset("  Jiri.Dvorak@KUN.CZ ", "192.0.2.44")

    assert fourth.status_code == 302 and fourth["Location"] == SENT
    assert _reset_mails(mailoutbox) == 3


def test_the_limit_of_one_account_leaves_others_alone(partner, mailoutbox):
    other = approved_organization(email="ola@hurt.pl")
    partner_invitation_accept(token=other.admin_token, password=PASSWORD)
    for address in ("198.51.100.7", "198.51.100.8", "203.0.113.9", "192.0.2.44"):
        _reset(EMAIL, address)

    assert _reset("ola@hurt.pl", "192.0.2.45")["Location"] == SENT
    assert _reset_mails(mailoutbox, "ola@hurt.pl") == 1


def test_an_unknown_email_gets_the_same_answers(partner, mailoutbox):
    known = [_reset(EMAIL, f"198.51.100.{n}") for n in range(4)]
    unknown = [_reset("nikt@kun.cz", f"203.0.113.{n}") for n in range(4)]

    assert [(r.status_code, r["Location"]) for r in known] == [
        (r.status_code, r["Location"]) for r in unknown
    ]
    assert _reset_mails(mailoutbox, "nikt@kun.cz") == 0


def test_too_many_requests_from_one_client_are_answered_429_and_send_nothing(partner, mailoutbox):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(6):
        client.post(RESET, {"email": f"someone{n}@kun.cz"})

    response = client.post(RESET, {"email": EMAIL})

    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert _reset_mails(mailoutbox) == 0
    # Another client is not affected.
    assert _reset(EMAIL, "203.0.113.9")["Location"] == SENT
    assert _reset_mails(mailoutbox) == 1


def test_malformed_requests_count_against_the_client(partner, mailoutbox):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(6):
        assert client.post(RESET, {"email": "not an address"}).status_code == 200

    assert client.post(RESET, {"email": EMAIL}).status_code == 429
    assert _reset_mails(mailoutbox) == 0


def test_the_client_is_the_address_behind_the_trusted_proxy(partner, mailoutbox, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(6):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").post(
            RESET, {"email": f"someone{n}@kun.cz"}
        )

    # Same proxy, another client behind it: its own count.
    behind = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert behind.post(RESET, {"email": EMAIL})["Location"] == SENT
    limited = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert limited.post(RESET, {"email": EMAIL}).status_code == 429
