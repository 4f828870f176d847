"""The shared model pieces: the SPEC §5 field lists and the version of a changed record."""

import pytest

from commerce.channel.forms import OnboardingRequestForm
from commerce.models import Customer, Prospect
from core.models import (
    ADDRESS_FIELD_NAMES,
    PARTY_FIELD_NAMES,
    PERSON_FIELD_NAMES,
    REQUESTER_FIELD_NAMES,
    Versioned,
    defaulted_fields,
)
from sales.models import Account, Contact, Lead, Opportunity
from tests.factories import AccountFactory, CustomerFactory

# SPEC §5, as written there.
SPEC_PARTY_FIELDS = (
    "company_name, first_name, last_name, email, phone, job_title, street, city, state, "
    "postal_code, country, tax_id, website, comments, language"
)


def test_the_party_fields_are_those_of_the_spec_in_its_order():
    assert ", ".join(PARTY_FIELD_NAMES) == SPEC_PARTY_FIELDS
    assert set(PERSON_FIELD_NAMES) | set(ADDRESS_FIELD_NAMES) < set(PARTY_FIELD_NAMES)
    assert PARTY_FIELD_NAMES[:-1] == REQUESTER_FIELD_NAMES


@pytest.mark.parametrize("model", [Prospect, Lead])
def test_the_party_models_have_every_party_field(model):
    assert {f.name for f in model._meta.concrete_fields} >= set(PARTY_FIELD_NAMES)


def test_the_sign_up_form_asks_for_what_a_requester_types():
    assert tuple(OnboardingRequestForm._meta.fields) == REQUESTER_FIELD_NAMES


@pytest.mark.parametrize("model", [Customer, Account, Contact, Lead, Opportunity])
def test_the_versioned_records_share_one_column(model):
    assert issubclass(model, Versioned)
    assert model._meta.get_field("version").default == 1


@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize(
    ("factory", "field"), [(CustomerFactory, "name"), (AccountFactory, "name")]
)
def test_every_saved_change_raises_the_version_and_the_time(factory, field):
    record = factory()
    assert record.version == 1
    created_at_version, before = record.version, record.updated_at

    setattr(record, field, "Kůň a.s.")
    record.save(update_fields=[field])
    record.refresh_from_db()

    assert record.version == created_at_version + 1
    assert record.updated_at > before


def test_the_defaulted_fields_are_those_a_new_record_was_not_given():
    defaulted = defaulted_fields(Prospect, {"prospect_number", "request_id", *PARTY_FIELD_NAMES})
    assert {"status", "created_at", "prospect_type", "id"} <= set(defaulted)
    assert not {"prospect_number", "request_id", *PARTY_FIELD_NAMES} & set(defaulted)
