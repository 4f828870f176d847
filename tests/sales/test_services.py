"""Sales services: every transition legal and illegal, the integration upserts, versions."""

import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models.signals import post_save
from django_fsm import can_proceed
from django_fsm.signals import post_transition

from core.errors import NotAllowed, NotFound, ServiceError
from sales.models import (
    Account,
    Contact,
    Lead,
    Note,
    Opportunity,
    OpportunityClose,
    TransitionLog,
)
from sales.services import (
    account_update,
    account_upsert_from_commerce,
    contact_upsert_from_commerce,
    lead_create,
    lead_disqualify,
    lead_note_add,
    lead_qualify,
    lead_reactivate,
    lead_update,
    leads_upsert_from_commerce,
    number_sequence_take,
    opportunity_close_as_lost,
    opportunity_close_as_won,
    opportunity_note_add,
    opportunity_update,
)
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db(databases="__all__")

PROSPECT_VALUES = {
    "company_name": "Žluťoučký kůň úpěl ďábelské ódy s.r.o.",
    "first_name": "Jiří",
    "last_name": "Nováček",
    "email": "jiri@zlutoucky-kun.cz",
    "phone": "+420601234567",
    "job_title": "Nákupčí",
    "street": "Údolní 5",
    "city": "Brno",
    "state": "",
    "postal_code": "602 00",
    "country": "CZ",
    "tax_id": "CZ12345678",
    "website": "https://zlutoucky-kun.cz",
    "comments": "Zájem o velkoobchod.",
    "language": "cs",
}


def _reload(record):
    return type(record).objects.using("sales").get(pk=record.pk)


def _logs(record):
    return list(
        TransitionLog.objects.filter(
            model=record._meta.label_lower, object_key=record.transition_key
        ).order_by("id")
    )


@pytest.fixture
def signals_seen():
    """What dual-write's receivers would see: the instance at post_transition / post_save."""
    seen = []

    def on_transition(sender, instance, name, target, **kwargs):
        seen.append(
            (
                "transition",
                sender.__name__,
                name,
                target,
                instance.status_reason,
                getattr(instance, "competitor", None),
            )
        )

    def on_save(sender, instance, created, **kwargs):
        if sender in (Account, Contact):
            seen.append(("save", sender.__name__, created, instance.version))

    post_transition.connect(on_transition, dispatch_uid="test.sales.transition")
    post_save.connect(on_save, dispatch_uid="test.sales.save")
    yield seen
    post_transition.disconnect(dispatch_uid="test.sales.transition")
    post_save.disconnect(dispatch_uid="test.sales.save")


# --- number sequences -------------------------------------------------------------------------


def test_sales_number_sequences_are_seeded_and_consecutive():
    assert number_sequence_take(code="account", count=2) == ["A-000001", "A-000002"]
    assert number_sequence_take(code="contact") == ["CT-000001"]
    assert number_sequence_take(code="opportunity") == ["OP-000001"]


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
    assert lead.topic == "B2B partner request: Žluťoučký kůň úpěl ďábelské ódy s.r.o."
    assert (lead.status, lead.status_reason) == (Lead.Status.OPEN, Lead.StatusReason.NEW)
    assert lead.version == 1
    assert lead.party_values() == PROSPECT_VALUES
    note = Note.objects.get(lead=lead)
    assert note.text == "Created by dual-write from Commerce prospect PR-000007."
    assert note.author == "integration"
    assert Lead.objects.count() == 1


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


def test_opportunity_note_add():
    opportunity = OpportunityFactory()
    note = opportunity_note_add(opportunity_id=opportunity.pk, text="Oferta wysłana", actor="ewa")
    assert note.opportunity == opportunity
    assert _reload(opportunity).version == 2


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


def test_account_update_refolds_the_company_name_key():
    account = AccountFactory()
    account_update(account_id=account.pk, values={"name": "ŁÓDŹ Sp. z o.o."})
    account = _reload(account)
    assert (account.company_name_key, account.version) == ("lodz sp z o o", 2)


def test_opportunity_update_while_open_only():
    opportunity = OpportunityFactory()
    opportunity_update(
        opportunity_id=opportunity.pk,
        values={"status_reason": "on_hold", "estimated_revenue": Decimal("500")},
    )
    opportunity = _reload(opportunity)
    assert (opportunity.status_reason, opportunity.estimated_revenue) == ("on_hold", 500)
    with pytest.raises(ValidationError):
        opportunity_update(opportunity_id=opportunity.pk, values={"status_reason": "won"})
    won = OpportunityFactory(status="won")
    with pytest.raises(NotAllowed):
        opportunity_update(opportunity_id=won.pk, values={"topic": "x"})


# --- close as won / lost ----------------------------------------------------------------------


def test_close_as_won_writes_the_close_record_and_log(signals_seen, settings):
    settings.SALES_INTEGRATION_ENABLED = True  # Sales decides partner requests
    opportunity = OpportunityFactory(prospect_number="PR-000002")
    closed_on = date.today() - timedelta(days=1)

    opportunity_close_as_won(
        opportunity_id=opportunity.pk,
        actual_revenue=Decimal("12500.50"),
        close_date=closed_on,
        description="Umowa podpisana",
        actor="jan.rep",
    )

    opportunity = _reload(opportunity)
    assert (opportunity.status, opportunity.status_reason, opportunity.version) == ("won", "won", 2)
    assert (opportunity.actual_revenue, opportunity.close_date, opportunity.description) == (
        Decimal("12500.50"),
        closed_on,
        "Umowa podpisana",
    )
    close = OpportunityClose.objects.get(opportunity=opportunity)
    assert (close.outcome, close.actual_revenue, close.close_date, close.closed_by) == (
        "won",
        Decimal("12500.50"),
        closed_on,
        "jan.rep",
    )
    (log,) = _logs(opportunity)
    assert (log.transition, log.target_state, log.actor, log.reason) == (
        "close_as_won",
        "won",
        "jan.rep",
        "Won: Umowa podpisana",
    )
    assert signals_seen == [("transition", "Opportunity", "close_as_won", "won", "won", "")]


def test_close_as_lost_sets_reason_and_competitor_before_the_signal(signals_seen):
    opportunity = OpportunityFactory()

    opportunity_close_as_lost(
        opportunity_id=opportunity.pk,
        status_reason="out_sold",
        competitor="Koník a.s.",
        close_date=date.today(),
        description="Cena",
        actor="jan.rep",
    )

    opportunity = _reload(opportunity)
    assert (opportunity.status, opportunity.status_reason, opportunity.competitor) == (
        "lost",
        "out_sold",
        "Koník a.s.",
    )
    close = OpportunityClose.objects.get(opportunity=opportunity)
    assert (close.outcome, close.status_reason, close.competitor) == (
        "lost",
        "out_sold",
        "Koník a.s.",
    )
    assert signals_seen == [
        ("transition", "Opportunity", "close_as_lost", "lost", "out_sold", "Koník a.s.")
    ]
    assert _logs(opportunity)[0].reason == "Out-sold: Cena"


@pytest.mark.parametrize("status", ["won", "lost"])
def test_close_only_from_open(status):
    opportunity = OpportunityFactory(status=status)
    with pytest.raises(NotAllowed, match="Only an open opportunity can be closed"):
        opportunity_close_as_won(
            opportunity_id=opportunity.pk,
            actual_revenue=1,
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    with pytest.raises(NotAllowed):
        opportunity_close_as_lost(
            opportunity_id=opportunity.pk,
            status_reason="canceled",
            competitor="",
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    assert not OpportunityClose.objects.exists()
    assert _reload(opportunity).status == status


@pytest.mark.parametrize(
    ("revenue", "close_date"),
    [
        (Decimal("-1"), date.today()),
        (None, date.today()),
        ("abc", date.today()),
        (Decimal("1"), None),
    ],
)
def test_close_as_won_refuses_bad_figures(revenue, close_date):
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError):
        opportunity_close_as_won(
            opportunity_id=opportunity.pk,
            actual_revenue=revenue,
            close_date=close_date,
            description="",
            actor="jan.rep",
        )
    assert _reload(opportunity).status == Opportunity.Status.OPEN
    assert not OpportunityClose.objects.exists()


@pytest.mark.parametrize("reason", ["in_progress", "won", "nope"])
def test_close_as_lost_needs_canceled_or_out_sold(reason):
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError):
        opportunity_close_as_lost(
            opportunity_id=opportunity.pk,
            status_reason=reason,
            competitor="",
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    assert _reload(opportunity).status == Opportunity.Status.OPEN


def test_a_failed_close_leaves_no_log_behind():
    opportunity = OpportunityFactory()
    with pytest.raises(ValidationError):
        opportunity_close_as_lost(
            opportunity_id=opportunity.pk,
            status_reason="canceled",
            competitor="line\nbreak",
            close_date=date.today(),
            description="",
            actor="jan.rep",
        )
    assert not _logs(opportunity)
    assert _reload(opportunity).status == Opportunity.Status.OPEN
