"""Lead services: qualify, disqualify, reactivate, notes, create, update; every transition."""

import pytest
from django.core.exceptions import ValidationError
from django_fsm import can_proceed

from core.errors import NotAllowed, NotFound
from sales.models import Account, Lead, Note, Opportunity
from sales.services import (
    lead_create,
    lead_disqualify,
    lead_note_add,
    lead_qualify,
    lead_reactivate,
    lead_update,
)
from tests.factories import LeadFactory, OpportunityFactory
from tests.sales.services.support import PROSPECT_VALUES, _logs, _reload

pytestmark = pytest.mark.django_db(databases="__all__")


# --- qualify ----------------------------------------------------------------------------------


def test_qualify_creates_account_contact_opportunity_and_copies_notes(signals_seen, settings):
    settings.SALES_INTEGRATION_ENABLED = True  # Sales decides B2B commerce leads
    lead = LeadFactory(b2b_commerce=True, company_name="Žluťoučký kůň s.r.o.", city="Plzeň")
    Note.objects.create(lead=lead, author="integration", text="Poznámka první")

    result = lead_qualify(lead_id=lead.pk, actor="jan.rep")

    lead = _reload(lead)
    account, contact, opportunity = result.account, result.contact, result.opportunity
    assert (lead.status, lead.status_reason) == (Lead.Status.QUALIFIED, "qualified")
    assert (lead.account, lead.contact, lead.opportunity) == (account, contact, opportunity)
    assert lead.version == 2
    assert account.account_number == "A-000001"
    assert account.name == "Žluťoučký kůň s.r.o."
    assert (account.city, account.email, account.prospect_number) == (
        "Plzeň",
        lead.email,
        lead.prospect_number,
    )
    assert contact.contact_number == "CT-000001"
    assert (contact.account, contact.first_name, contact.last_name) == (
        account,
        "Zofia",
        "Żółkiewska",
    )
    assert contact.prospect_number == lead.prospect_number
    assert opportunity.opportunity_number == "OP-000001"
    assert (opportunity.account, opportunity.contact, opportunity.originating_lead) == (
        account,
        contact,
        lead,
    )
    assert (opportunity.owner, opportunity.topic, opportunity.prospect_number) == (
        "jan.rep",
        lead.topic,
        lead.prospect_number,
    )
    copied = Note.objects.get(opportunity=opportunity)
    original = Note.objects.get(lead=lead)
    assert (copied.text, copied.author, copied.created_at) == (
        "Poznámka první",
        "integration",
        original.created_at,
    )
    (log,) = _logs(lead)
    assert (log.transition, log.source_state, log.target_state, log.actor) == (
        "qualify",
        "open",
        "qualified",
        "jan.rep",
    )
    assert log.reason == "account A-000001, contact CT-000001, opportunity OP-000001"
    assert ("transition", "Lead", "qualify", "qualified", "qualified", None) in signals_seen
    assert ("save", "Account", True, 1) in signals_seen
    assert ("save", "Contact", True, 1) in signals_seen


def test_qualify_without_opportunity_or_contact():
    lead = LeadFactory()

    result = lead_qualify(
        lead_id=lead.pk, actor="jan.rep", create_contact=False, create_opportunity=False
    )

    assert result.contact is None and result.opportunity is None
    assert result.account.name == lead.company_name
    assert not Opportunity.objects.exists()
    assert _reload(lead).status == Lead.Status.QUALIFIED


LEAD_TRANSITIONS = {
    "qualify": (
        lambda lead: lead_qualify(lead_id=lead.pk, actor="jan.rep"),
        "Only an open lead can be qualified",
    ),
    "disqualify": (
        lambda lead: lead_disqualify(lead_id=lead.pk, status_reason="lost", actor="jan.rep"),
        "Only an open lead can be disqualified",
    ),
    "reactivate": (
        lambda lead: lead_reactivate(lead_id=lead.pk, actor="jan.rep"),
        "Only a disqualified lead can be reactivated",
    ),
}


@pytest.mark.parametrize(
    ("transition", "status"),
    [
        ("qualify", "qualified"),
        ("qualify", "disqualified"),
        ("disqualify", "qualified"),
        ("disqualify", "disqualified"),
        ("reactivate", "open"),
        ("reactivate", "qualified"),
    ],
)
def test_a_lead_transition_only_from_its_source_state(transition, status):
    lead = LeadFactory(status=status)
    run, refusal = LEAD_TRANSITIONS[transition]

    with pytest.raises(NotAllowed, match=refusal):
        run(lead)

    assert _reload(lead).status == status
    assert not Account.objects.exists() and not Opportunity.objects.exists()


def test_qualify_with_an_unknown_existing_account_is_a_field_error():
    lead = LeadFactory()

    with pytest.raises(ValidationError) as excinfo:
        lead_qualify(lead_id=lead.pk, actor="jan.rep", existing_account_number="A-404404")

    assert "existing_account_number" in excinfo.value.message_dict
    assert _reload(lead).status == Lead.Status.OPEN


def test_qualify_unknown_lead_is_not_found():
    with pytest.raises(NotFound):
        lead_qualify(lead_id=404404, actor="jan.rep")


# --- disqualify and reactivate ----------------------------------------------------------------


def test_disqualify_records_reason_and_who(signals_seen, settings):
    settings.SALES_INTEGRATION_ENABLED = True  # Sales decides B2B commerce leads
    lead = LeadFactory(b2b_commerce=True)

    lead_disqualify(
        lead_id=lead.pk,
        status_reason="no_longer_interested",
        actor="jan.rep",
        description="Wybrali innego dostawcę",
    )

    lead = _reload(lead)
    assert (lead.status, lead.status_reason, lead.version) == (
        "disqualified",
        "no_longer_interested",
        2,
    )
    (log,) = _logs(lead)
    assert (log.transition, log.actor) == ("disqualify", "jan.rep")
    assert log.reason == "No longer interested: Wybrali innego dostawcę"
    assert signals_seen == [
        ("transition", "Lead", "disqualify", "disqualified", "no_longer_interested", None)
    ]


def test_disqualify_is_refused_while_an_opportunity_comes_from_the_lead():
    lead = LeadFactory()
    OpportunityFactory(originating_lead=lead, opportunity_number="OP-000123")

    with pytest.raises(NotAllowed, match="OP-000123"):
        lead_disqualify(lead_id=lead.pk, status_reason="lost", actor="jan.rep")

    assert _reload(lead).status == Lead.Status.OPEN
    assert not _logs(lead)


def test_disqualify_fsm_condition_guards_the_model_too():
    lead = LeadFactory()
    OpportunityFactory(originating_lead=lead)
    assert not can_proceed(lead.disqualify)


@pytest.mark.parametrize("reason", ["new", "qualified", "bogus", ""])
def test_disqualify_needs_a_disqualify_reason(reason):
    lead = LeadFactory()
    with pytest.raises(ValidationError) as excinfo:
        lead_disqualify(lead_id=lead.pk, status_reason=reason, actor="jan.rep")
    assert "status_reason" in excinfo.value.message_dict
    assert _reload(lead).status == Lead.Status.OPEN


def test_disqualify_refuses_control_characters_in_the_description():
    lead = LeadFactory()
    with pytest.raises(ValidationError):
        lead_disqualify(
            lead_id=lead.pk, status_reason="lost", actor="jan.rep", description="bad\x00text"
        )
    assert _reload(lead).status == Lead.Status.OPEN


def test_reactivate_reopens_a_disqualified_lead():
    lead = LeadFactory()
    lead_disqualify(lead_id=lead.pk, status_reason="cannot_contact", actor="jan.rep")

    lead_reactivate(lead_id=lead.pk, actor="ewa.rep")

    lead = _reload(lead)
    assert (lead.status, lead.status_reason, lead.version) == ("open", "new", 3)
    assert [(log.transition, log.actor) for log in _logs(lead)] == [
        ("disqualify", "jan.rep"),
        ("reactivate", "ewa.rep"),
    ]


# --- notes and edits --------------------------------------------------------------------------


def test_note_add_writes_the_note_and_bumps_the_version():
    lead = LeadFactory()

    note = lead_note_add(lead_id=lead.pk, text="  Zadzwonić w poniedziałek\no 10:00 ", actor="ewa")

    assert (note.lead, note.author, note.text) == (lead, "ewa", "Zadzwonić w poniedziałek\no 10:00")
    assert _reload(lead).version == 2


@pytest.mark.parametrize("text", ["", "   ", "x\x07y", "x" * 5001])
def test_note_add_refuses_bad_text(text):
    lead = LeadFactory()
    with pytest.raises(ValidationError):
        lead_note_add(lead_id=lead.pk, text=text, actor="ewa")
    assert not Note.objects.exists()
    assert _reload(lead).version == 1


def test_lead_create_is_owned_by_the_rep_and_never_b2b_commerce():
    values = {"topic": "Targi Poznań", "lead_source": "referral", **PROSPECT_VALUES}

    lead = lead_create(values=values, actor="ewa.rep")

    lead = _reload(lead)
    assert (lead.owner, lead.lead_source, lead.status, lead.prospect_number) == (
        "ewa.rep",
        "referral",
        "open",
        None,
    )
    with pytest.raises(ValidationError):
        lead_create(values={**values, "lead_source": "b2b_commerce"}, actor="ewa.rep")
    assert Lead.objects.count() == 1


def test_lead_update_changes_an_open_lead_only():
    lead = LeadFactory()

    lead_update(lead_id=lead.pk, values={"status_reason": "contacted", "city": "Kraków"})

    lead = _reload(lead)
    assert (lead.status_reason, lead.city, lead.version) == ("contacted", "Kraków", 2)
    with pytest.raises(ValidationError):
        lead_update(lead_id=lead.pk, values={"status_reason": "lost"})
    qualified = LeadFactory(status="qualified")
    with pytest.raises(NotAllowed):
        lead_update(lead_id=qualified.pk, values={"city": "Kraków"})
    assert _reload(qualified).city == "Łódź"
