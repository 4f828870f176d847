"""Duplicate detection on qualify (SPEC §3 step 5): email, folded company name, email domain."""

import pytest

from sales.matching import company_email_domain, company_name_key
from sales.models import Account, Contact, Lead
from sales.selectors import duplicate_candidates
from sales.services import DuplicatesFound, lead_qualify
from tests.factories import AccountFactory, ContactFactory, LeadFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ŁÓDŹ sp. z o.o.", "Łódź Sp. z o.o."),
        ("Lodz Sp. z o.o.", "Łódź  Sp.z o.o."),
        ("ŽLUŤOUČKÝ KŮŇ s.r.o.", "Žluťoučký kůň, s. r. o."),
    ],
)
def test_company_name_key_folds_case_accents_and_punctuation(one, other):
    assert company_name_key(one) == company_name_key(other)


def test_company_name_key_keeps_different_names_apart():
    assert company_name_key("Łódź Sp. z o.o.") != company_name_key("Łomża Sp. z o.o.")


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("Anna@Firma.PL", "firma.pl"),
        ("anna@gmail.com", ""),
        ("jan@seznam.cz", ""),
        ("not-an-email", ""),
    ],
)
def test_company_email_domain_ignores_free_mail(email, domain):
    assert company_email_domain(email) == domain


def test_same_email_on_an_account_and_a_contact():
    AccountFactory(account_number="A-000010", name="Inna nazwa", email="Zofia@Hurtownia.pl")
    ContactFactory(contact_number="CT-000010", email="zofia@hurtownia.pl")

    candidates = duplicate_candidates(company_name="Hurtownia", email="zofia@hurtownia.pl")

    assert [(c.kind, c.number, c.reason) for c in candidates] == [
        ("account", "A-000010", "email"),
        ("contact", "CT-000010", "email"),
    ]


def test_folded_company_name_matches_an_account():
    AccountFactory(account_number="A-000020", name="ŁÓDŹ sp. z o.o.", email="")

    (candidate,) = duplicate_candidates(company_name="Łódź Sp. z o.o.", email="a@b.example")

    assert (candidate.kind, candidate.number, candidate.name, candidate.reason) == (
        "account",
        "A-000020",
        "ŁÓDŹ sp. z o.o.",
        "company_name",
    )


def test_same_company_email_domain_matches():
    AccountFactory(account_number="A-000030", email="biuro@hurtownia-lodz.pl")
    ContactFactory(contact_number="CT-000030", email="piotr@HURTOWNIA-LODZ.pl")
    ContactFactory(contact_number="CT-000031", email="piotr@inna-hurtownia-lodz.pl")

    candidates = duplicate_candidates(company_name="Nowa", email="zofia@hurtownia-lodz.pl")

    assert [(c.kind, c.number, c.reason) for c in candidates] == [
        ("account", "A-000030", "email_domain"),
        ("contact", "CT-000030", "email_domain"),
    ]


def test_free_mail_domain_is_not_a_match():
    AccountFactory(email="someone@gmail.com")
    ContactFactory(email="other@gmail.com")

    assert duplicate_candidates(company_name="Nowa firma", email="zofia@gmail.com") == []


def test_qualify_stops_with_the_candidates_and_creates_nothing():
    AccountFactory(account_number="A-000040", name="Łódź Sp. z o.o.", email="")
    lead = LeadFactory(company_name="ŁÓDŹ sp. z o.o.", email="zofia@gmail.com")

    with pytest.raises(DuplicatesFound) as excinfo:
        lead_qualify(lead_id=lead.pk, actor="jan.rep")

    assert excinfo.value.status_code == 409
    assert excinfo.value.details == {
        "duplicates": [
            {
                "kind": "account",
                "number": "A-000040",
                "name": "Łódź Sp. z o.o.",
                "email": "",
                "reason": "company_name",
            }
        ]
    }
    assert Account.objects.count() == 1
    assert not Contact.objects.exists()
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.OPEN


def test_picking_the_existing_account_links_it():
    existing = AccountFactory(account_number="A-000050", name="Łódź Sp. z o.o.")
    lead = LeadFactory(company_name="ŁÓDŹ sp. z o.o.")

    result = lead_qualify(lead_id=lead.pk, actor="jan.rep", existing_account_number="A-000050")

    assert result.account == existing
    assert result.contact.account == existing
    assert result.opportunity.account == existing
    assert Account.objects.count() == 1
    assert Lead.objects.get(pk=lead.pk).account == existing


def test_picking_an_existing_contact_links_it():
    existing = ContactFactory(contact_number="CT-000060", email="zofia@hurtownia.pl")
    lead = LeadFactory(email="zofia@hurtownia.pl")

    result = lead_qualify(lead_id=lead.pk, actor="jan.rep", existing_contact_number="CT-000060")

    assert result.contact == existing
    assert result.opportunity.contact == existing
    assert Contact.objects.count() == 1


def test_ignore_duplicates_creates_new_records():
    AccountFactory(account_number="A-000070", name="Łódź Sp. z o.o.")
    lead = LeadFactory(company_name="Łódź Sp. z o.o.")

    result = lead_qualify(lead_id=lead.pk, actor="jan.rep", ignore_duplicates=True)

    assert result.account.account_number != "A-000070"
    assert Account.objects.filter(company_name_key="lodz sp z o o").count() == 2


def test_no_candidates_means_no_question():
    lead = LeadFactory()
    result = lead_qualify(lead_id=lead.pk, actor="jan.rep")
    assert result.account is not None
