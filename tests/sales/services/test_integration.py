"""Sales services for the integration: the lead, account and contact upserts from Commerce."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from core.errors import NotFound, ServiceError
from sales.models import Contact, Lead, Note
from sales.services import (
    account_upsert_from_commerce,
    contact_upsert_from_commerce,
    leads_upsert_from_commerce,
)
from tests.factories import AccountFactory, LeadFactory
from tests.sales.services.support import PROSPECT_VALUES, _reload

pytestmark = pytest.mark.django_db(databases="__all__")


# --- leads_upsert_from_commerce ---------------------------------------------------------------


def _upsert(prospect_number: str, values: dict) -> Lead:
    return leads_upsert_from_commerce(values_by_prospect={prospect_number: values})[0]


def test_upsert_creates_integration_lead_with_note_and_is_idempotent(settings):
    settings.SALES_INTEGRATION_USER = "crm-integration"

    lead = _upsert("PR-000007", PROSPECT_VALUES)
    again = _upsert("PR-000007", PROSPECT_VALUES)

    assert again.pk == lead.pk
    lead = _reload(lead)
    assert lead.owner == "crm-integration"
    assert lead.lead_source == Lead.Source.B2B_COMMERCE
    assert lead.created_by_integration is True
    # In the requester's language (Czech), like the rest of what they wrote.
    assert lead.topic == "Žádost partnera B2B: Žluťoučký kůň úpěl ďábelské ódy s.r.o."
    assert (lead.status, lead.status_reason) == (Lead.Status.OPEN, Lead.StatusReason.NEW)
    assert lead.version == 1
    assert lead.party_values() == PROSPECT_VALUES
    note = Note.objects.get(lead=lead)
    assert note.text == "Created by dual-write from Commerce prospect PR-000007."
    assert note.author == "integration"
    assert Lead.objects.count() == 1


def test_the_integrations_note_reads_in_the_readers_language():
    from django.utils import translation

    lead = _upsert("PR-000008", PROSPECT_VALUES)
    note = Note.objects.get(lead=lead)

    with translation.override("pl"):
        polish = note.text_for_reader
    with translation.override("cs"):
        czech = note.text_for_reader

    assert "PR-000008" in polish and "PR-000008" in czech
    assert polish != note.text and czech != note.text and polish != czech
    person = Note(text="Called them, they want a quote.", author="rep")
    with translation.override("pl"):
        assert person.text_for_reader == "Called them, they want a quote."


def test_upsert_keeps_unicode_byte_for_byte():
    # Decomposed (NFD) and composed (NFC) spellings must both survive unchanged.
    decomposed = unicodedata.normalize("NFD", "Łódź Żółć")
    values = {**PROSPECT_VALUES, "company_name": decomposed, "city": "Łódź", "last_name": "Ďábel"}

    lead = _reload(_upsert("PR-000008", values))

    assert lead.company_name.encode() == decomposed.encode()
    assert lead.city.encode() == "Łódź".encode()
    assert lead.last_name.encode() == "Ďábel".encode()


def test_upsert_updates_an_open_lead_and_bumps_its_version():
    lead = _upsert("PR-000009", PROSPECT_VALUES)

    _upsert("PR-000009", {**PROSPECT_VALUES, "phone": "+420777888999"})

    lead = _reload(lead)
    assert lead.phone == "+420777888999"
    assert lead.version == 2
    assert Note.objects.filter(lead=lead).count() == 1


def test_upsert_leaves_a_decided_lead_alone():
    lead = LeadFactory(b2b_commerce=True, status="qualified")

    _upsert(lead.prospect_number, {**PROSPECT_VALUES, "city": "Praha"})

    lead = _reload(lead)
    assert lead.city == "Łódź"
    assert lead.version == 1


def test_upsert_refuses_fields_it_does_not_know():
    with pytest.raises(ServiceError, match="status"):
        _upsert("PR-000010", {**PROSPECT_VALUES, "status": "qualified"})
    assert not Lead.objects.exists()


def test_upsert_with_invalid_values_changes_nothing():
    with pytest.raises(ValidationError) as excinfo:
        _upsert("PR-000011", {**PROSPECT_VALUES, "phone": "12"})
    assert "phone" in excinfo.value.message_dict
    assert not Lead.objects.exists()
    assert not Note.objects.exists()


def test_upsert_validates_the_prospect_number_it_was_given_too():
    # Only the fields left to their model defaults are not validated again.
    with pytest.raises(ValidationError) as excinfo:
        _upsert("PR-" + "9" * 30, PROSPECT_VALUES)
    assert list(excinfo.value.message_dict) == ["prospect_number"]
    assert not Lead.objects.exists()


# --- account / contact upserts ----------------------------------------------------------------


ACCOUNT_VALUES = {
    "name": "Łódź Hurt Sp. z o.o.",
    "email": "biuro@lodzhurt.pl",
    "phone": "+48426301234",
    "website": "",
    "tax_id": "PL7251234567",
    "language": "pl",
    "street": "Piotrkowska 10",
    "city": "Łódź",
    "state": "",
    "postal_code": "90-001",
    "country": "PL",
}


def test_account_upsert_creates_then_updates_by_number_with_post_save(signals_seen):
    account = account_upsert_from_commerce(
        account_number="C-000004", values=ACCOUNT_VALUES, prospect_number="PR-000004"
    )
    account_upsert_from_commerce(account_number="C-000004", values=ACCOUNT_VALUES)
    account_upsert_from_commerce(
        account_number="C-000004", values={**ACCOUNT_VALUES, "city": "Zgierz"}
    )

    account = _reload(account)
    assert account.name == "Łódź Hurt Sp. z o.o."
    assert account.company_name_key == "lodz hurt sp z o o"
    assert account.prospect_number == "PR-000004"
    assert account.city == "Zgierz"
    assert account.version == 2
    # The identical second call saved nothing, so dual-write hears of two changes only.
    assert signals_seen == [("save", "Account", True, 1), ("save", "Account", False, 2)]


def test_contact_upsert_attaches_to_account_and_needs_it_to_exist(signals_seen):
    account = AccountFactory(account_number="C-000001")
    values = {"first_name": "Zofia", "last_name": "Żółkiewska", "email": "zofia@lodzhurt.pl"}

    contact = contact_upsert_from_commerce(
        contact_number="C-000002",
        values=values,
        account_number="C-000001",
        prospect_number="PR-000001",
    )

    contact = _reload(contact)
    assert (contact.account, contact.last_name, contact.prospect_number) == (
        account,
        "Żółkiewska",
        "PR-000001",
    )
    assert ("save", "Contact", True, 1) in signals_seen
    with pytest.raises(NotFound):
        contact_upsert_from_commerce(
            contact_number="C-000003", values=values, account_number="C-404404"
        )
    assert not Contact.objects.filter(contact_number="C-000003").exists()
