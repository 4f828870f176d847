"""Services refuse bad text as a whole: a refused call changes nothing (SPEC §11).

Each example calls one service with arbitrary text. Either the call succeeds and the stored text
is exactly the input (stripped where the service strips), or it raises a ValidationError or
ServiceError and every table of every database is as it was.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from commerce.channel.models import OnboardingRequest
from commerce.channel.services import onboarding_request_create
from commerce.models import Prospect
from commerce.models import TransitionLog as CommerceTransitionLog
from commerce.services import prospect_reject
from core.errors import ServiceError
from core.identity import email_normalize
from sales.models import Lead, Note, Opportunity, OpportunityClose
from sales.models import TransitionLog as SalesTransitionLog
from sales.services import lead_disqualify, lead_note_add, opportunity_close_as_lost
from tests.factories import LeadFactory, OpportunityFactory, ProspectFactory

from .strategies import (
    LANGUAGE_CODES,
    explicit_cases,
    hostile_text,
    mostly_valid,
    party_values,
    visible_text,
)
from .support import assert_follows_text_rules, rolled_back, row_counts, rows_added

pytestmark = pytest.mark.django_db(databases="__all__")

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
REFUSALS = (ValidationError, ServiceError)
ACTOR = "Jan Kowalski"


def text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(visible_text(limit), hostile_text(limit))


def texts(limit: int) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    """(valid, hostile) text for `mostly_valid`; empty text is valid where a field is optional."""
    return st.one_of(st.just(""), visible_text(limit)), hostile_text(limit)


def choices(valid, every) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    return st.sampled_from(valid), st.one_of(st.sampled_from(every), hostile_text(40))


def _snapshot(record) -> dict:
    """Every stored column of the record, as the database has it now."""
    record.refresh_from_db()
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


def _call(service, **kwargs):
    """The service's result, or None when it refused; anything else fails the test."""
    try:
        result = service(**kwargs)
    except REFUSALS:
        event("refused")
        return None
    event("done")
    return result


def _last_log(model, key: str):
    return model.objects.using(model._meta.app_label).filter(object_key=key).last()


@EXAMPLES
@given(drawn=party_values(), language=st.one_of(st.sampled_from(LANGUAGE_CODES), text(8)))
@explicit_cases(language="pl")
def test_onboarding_request_create_stores_the_values_or_nothing(drawn, language):
    values, _hostile = drawn
    with rolled_back():
        before = row_counts()
        result = _call(onboarding_request_create, values=dict(values), language=language)
        added = rows_added(before, row_counts())
        if result is None:
            assert added == {}
            return
        assert result.created
        assert added == {"channel:channel.OnboardingRequest": 1}
        stored = OnboardingRequest.objects.using("channel").get(
            request_id=result.request.request_id
        )
        # The address and the country are stored in their one form (SPEC §11): a hostile draw
        # may be "0@A.aM" or "af", which the model takes as "0@a.am" and "AF".
        one_form = {
            "email": email_normalize(values["email"]),
            "country": OnboardingRequest(country=values["country"]).country.code,
        }
        assert stored.party_values() == {**values, **one_form, "language": language}


@EXAMPLES
@given(reason=text(1000))
@example(reason="Brak\x00 NUL")
@example(reason="Firma nie spełnia warunków.\r\nŽádný zájem.")
def test_prospect_reject_stores_the_reason_or_nothing(reason):
    with rolled_back():
        prospect = ProspectFactory()
        before, unchanged = row_counts(), _snapshot(prospect)
        result = _call(
            prospect_reject,
            prospect_number=prospect.prospect_number,
            reason=reason,
            actor=ACTOR,
            decided_in_sales=True,
        )
        if result is None:
            assert rows_added(before, row_counts()) == {}
            assert _snapshot(prospect) == unchanged
            return
        assert_follows_text_rules(reason.strip(), limit=None, line_breaks=True)
        prospect.refresh_from_db()
        assert prospect.status == Prospect.Status.REJECTED
        assert prospect.status_reason == reason.strip()
        assert prospect.decided_by == ACTOR
        assert _last_log(CommerceTransitionLog, prospect.prospect_number).reason == reason.strip()


@EXAMPLES
@given(
    call=mostly_valid(
        status_reason=choices(Lead.DISQUALIFY_REASONS, Lead.StatusReason.values),
        description=texts(2000),
        has_opportunity=(st.just(False), st.just(True)),
    )
)
def test_lead_disqualify_stores_the_description_or_nothing(call):
    has_opportunity = call.pop("has_opportunity")
    status_reason, description = call["status_reason"], call["description"]
    with rolled_back():
        lead = LeadFactory()
        if has_opportunity:
            OpportunityFactory(originating_lead=lead)
        before, unchanged = row_counts(), _snapshot(lead)
        result = _call(lead_disqualify, lead_id=lead.pk, actor=ACTOR, **call)
        if result is None:
            assert rows_added(before, row_counts()) == {}
            assert _snapshot(lead) == unchanged
            return
        assert not has_opportunity
        assert_follows_text_rules(description.strip(), limit=2000, line_breaks=True)
        lead.refresh_from_db()
        assert (lead.status, lead.status_reason) == (Lead.Status.DISQUALIFIED, status_reason)
        assert lead.version == unchanged["version"] + 1
        label = str(Lead.StatusReason(status_reason).label)
        why = f"{label}: {description.strip()}" if description.strip() else label
        assert _last_log(SalesTransitionLog, str(lead.pk)).reason == why


@EXAMPLES
@given(note=text(5000))
def test_lead_note_add_stores_the_text_or_nothing(note):
    with rolled_back():
        lead = LeadFactory()
        before, unchanged = row_counts(), _snapshot(lead)
        result = _call(lead_note_add, lead_id=lead.pk, text=note, actor=ACTOR)
        if result is None:
            assert rows_added(before, row_counts()) == {}
            assert _snapshot(lead) == unchanged
            return
        assert_follows_text_rules(note.strip(), limit=5000, line_breaks=True)
        stored = Note.objects.using("sales").get(pk=result.pk)
        assert (stored.text, stored.author, stored.lead_id) == (note.strip(), ACTOR, lead.pk)


@EXAMPLES
@given(
    call=mostly_valid(
        status_reason=choices(Opportunity.LOST_REASONS, Opportunity.StatusReason.values),
        competitor=texts(200),
        description=texts(2000),
        close_date=(st.dates(min_value=date(2000, 1, 1)), hostile_text(12)),
    )
)
def test_opportunity_close_as_lost_stores_the_texts_or_nothing(call):
    competitor, description, close_date = (
        call["competitor"],
        call["description"],
        call["close_date"],
    )
    with rolled_back():
        opportunity = OpportunityFactory()
        before, unchanged = row_counts(), _snapshot(opportunity)
        result = _call(
            opportunity_close_as_lost, opportunity_id=opportunity.pk, actor=ACTOR, **call
        )
        if result is None:
            assert rows_added(before, row_counts()) == {}
            assert _snapshot(opportunity) == unchanged
            return
        assert_follows_text_rules(competitor.strip(), limit=200, line_breaks=False)
        assert_follows_text_rules(description.strip(), limit=2000, line_breaks=True)
        opportunity.refresh_from_db()
        close = OpportunityClose.objects.using("sales").get(opportunity=opportunity)
        texts = (competitor.strip(), description.strip())
        assert opportunity.status == Opportunity.Status.LOST
        assert (opportunity.competitor, opportunity.description) == texts
        assert (close.competitor, close.description, close.close_date) == (*texts, close_date)
