"""core/postgres.py: the list dumper writes arrays PostgreSQL reads back as they were; rows_copy
inserts as bulk_create does (on SQLite it is bulk_create)."""

import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import Format
from psycopg.types.array import ListDumper

from commerce.models import ChannelRequest
from core.postgres import TextListDumper, copy_plan, copy_values, rows_copy, unchanged_types

# PostgreSQL text holds neither NUL nor lone surrogates; anything else may come from a form.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
ELEMENTS = st.one_of(st.none(), TEXT, st.integers(min_value=-(2**63), max_value=2**63 - 1))


def _dumped(dumper_class, values: list) -> bytes:
    transformer = Transformer(psycopg.adapters)
    return bytes(dumper_class(list, transformer).upgrade(values, PyFormat.TEXT).dump(values))


def _read_back(data: bytes, type_name: str) -> list:
    """The array as PostgreSQL reads it: psycopg's own parser of the array's text form."""
    transformer = Transformer(psycopg.adapters)
    oid = psycopg.adapters.types[type_name].array_oid
    return transformer.get_loader(oid, Format.TEXT).load(data)


@given(st.lists(st.one_of(st.none(), TEXT)) | st.lists(st.lists(TEXT, min_size=2, max_size=2)))
def test_text_arrays_read_back_as_written(values):
    assert _read_back(_dumped(TextListDumper, values), "text") == values


@given(st.lists(ELEMENTS.filter(lambda v: not isinstance(v, str))))
def test_number_arrays_read_back_as_written(values):
    assert _read_back(_dumped(TextListDumper, values), "int8") == values


def test_every_element_is_quoted_and_escaped_and_null_is_not():
    values = ["a,b", 'c"d', None, "NULL", "", "x\\"]
    dumped = _dumped(TextListDumper, values)
    assert dumped == b'{"a,b","c\\"d",NULL,"NULL","","x\\\\"}'
    # psycopg writes the same array, quoting only where it must.
    assert _read_back(_dumped(ListDumper, values), "text") == _read_back(dumped, "text")


@pytest.mark.postgres
@pytest.mark.django_db(databases="__all__")
def test_a_bulk_insert_through_unnest_keeps_quotes_and_backslashes():
    connection = connections["commerce"]
    connection.ensure_connection()
    assert connection.connection.adapters.get_dumper(list, PyFormat.TEXT) is TextListDumper
    payloads = [
        {"comments": 'She said "hi" \\ left', "path": "C:\\temp\\x", "empty": ""},
        {"company_name": '{Ącki, "Żółw"}', "note": "NULL", "list": ["a,b", 'c"d']},
        {"comments": "line\nbreak\ttab", "emoji": "👩‍💼"},
    ]
    rows = [
        ChannelRequest(
            request_id=uuid.uuid4(),
            request_type=ChannelRequest.Type.ONBOARDING,
            email=f"quote{n}@example.com",
            payload=payload,
        )
        for n, payload in enumerate(payloads)
    ]
    ChannelRequest.objects.using("commerce").bulk_create(rows)
    stored = ChannelRequest.objects.using("commerce").order_by("email")
    assert [row.payload for row in stored] == payloads
    assert [row.email for row in stored] == [f"quote{n}@example.com" for n in range(3)]


# --- rows_copy ---------------------------------------------------------------------------------


def _staged(n: int, payload: dict | None = None, request_id: uuid.UUID | None = None):
    return ChannelRequest(
        request_id=request_id or uuid.uuid4(),
        request_type=ChannelRequest.Type.ONBOARDING,
        email=f"copy{n}@example.com",
        payload=payload if payload is not None else {"n": n},
    )


PAYLOADS = [
    {"comments": 'She said "hi" \\ left', "path": "C:\\temp\\x", "empty": "", "none": None},
    {"company_name": '{Ącki,\t"Żółw"}', "note": "NULL", "list": ["a,b", 'c"d'], "n": 1.5},
    {"comments": "line\nbreak\r\n\\N", "emoji": "👩‍💼", "nested": {"a": [1, {"b": None}]}},
]


@pytest.mark.django_db(databases="__all__")
def test_copied_rows_come_back_saved_with_their_values_and_ids():
    rows = [_staged(n, payload) for n, payload in enumerate(PAYLOADS)]
    rows_copy(rows, using="commerce")

    assert all(row.pk is not None and not row._state.adding for row in rows)
    assert len({row.pk for row in rows}) == 3
    stored = {row.pk: row for row in ChannelRequest.objects.using("commerce")}
    for row in rows:
        assert stored[row.pk].payload == row.payload
        assert stored[row.pk].email == row.email and stored[row.pk].request_id == row.request_id
        assert stored[row.pk].staged_at == row.staged_at is not None  # auto_now_add, as a save
    # The ORM's next insert takes the next id: the sequence moved with the copied rows.
    later = ChannelRequest.objects.using("commerce").create(
        **{
            "request_id": uuid.uuid4(),
            "request_type": ChannelRequest.Type.ONBOARDING,
            "email": "later@example.com",
            "payload": {},
        }
    )
    assert later.pk > max(row.pk for row in rows)


@pytest.mark.django_db(databases="__all__")
def test_without_ids_the_sequence_numbers_the_rows_and_the_records_are_not_told():
    rows_copy([_staged(0)], using="commerce")
    untold = [_staged(1), _staged(2)]
    with CaptureQueriesContext(connections["commerce"]) as run:
        rows_copy(untold, using="commerce", ids=False)
    later = [_staged(3)]
    rows_copy(later, using="commerce")

    ids = dict(ChannelRequest.objects.using("commerce").values_list("email", "pk"))
    assert len(set(ids.values())) == 4
    assert ids["copy0@example.com"] < ids["copy1@example.com"] < ids["copy2@example.com"]
    assert later[0].pk == ids["copy3@example.com"] > ids["copy2@example.com"]
    if connections["commerce"].vendor == "postgresql":
        assert [query["sql"].split()[0] for query in run.captured_queries] == ["COPY"]
        assert all(row.pk is None for row in untold)


@pytest.mark.django_db(databases="__all__")
def test_with_ignore_conflicts_a_taken_key_is_skipped_and_the_others_are_inserted():
    taken = uuid.uuid4()
    rows_copy([_staged(0, {"first": True}, taken)], using="commerce")
    with (
        transaction.atomic(using="commerce"),
        CaptureQueriesContext(connections["commerce"]) as run,
    ):
        # Twice in one transaction: the staging table of the first call is gone.
        rows_copy(
            [_staged(1, request_id=taken), _staged(2)], using="commerce", ignore_conflicts=True
        )
        rows_copy([_staged(3)], using="commerce", ignore_conflicts=True)
        rows_copy([_staged(4)], using="commerce", ignore_conflicts=True)
    if connections["commerce"].vendor == "postgresql":
        # Only the batch with a taken key went through a staging table.
        assert sum("CREATE TEMPORARY TABLE" in query["sql"] for query in run.captured_queries) == 1

    stored = dict(ChannelRequest.objects.using("commerce").values_list("email", "payload"))
    assert stored == {
        "copy0@example.com": {"first": True},
        "copy2@example.com": {"n": 2},
        "copy3@example.com": {"n": 3},
        "copy4@example.com": {"n": 4},
    }


@pytest.mark.django_db(databases="__all__")
def test_without_ignore_conflicts_a_taken_key_fails_the_copy_as_an_integrity_error():
    taken = uuid.uuid4()
    rows_copy([_staged(0, request_id=taken)], using="commerce")
    with pytest.raises(IntegrityError), transaction.atomic(using="commerce"):
        rows_copy([_staged(1), _staged(2, request_id=taken)], using="commerce")
    assert list(ChannelRequest.objects.using("commerce").values_list("email", flat=True)) == [
        "copy0@example.com"
    ]


# Every model the flow copies: the shortcut must give what Django's conversion gives.
COPIED_MODELS = [
    "commerce.ChannelRequest",
    "commerce.EmailNotification",
    "commerce.Prospect",
    "commerce.TransitionLog",
    "sales.Lead",
    "sales.Note",
    "sales.TransitionLog",
    "dualwrite.OutboxMessage",
    "dualwrite.InboxMessage",
]
CONVERTED_VALUES = st.one_of(
    st.none(),
    st.text(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.uuids(),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(),  # naive: Django converts it (with a warning); it must not slip through
)


def _copied_fields():
    from django.apps import apps

    return [
        field
        for label in COPIED_MODELS
        for field in apps.get_model(label)._meta.concrete_fields
        # An auto_now(_add) field takes the time itself, whatever the record holds.
        if unchanged_types(field)
        and not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    ]


@pytest.mark.postgres
@pytest.mark.django_db(databases="__all__")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@given(data=st.data())
def test_a_value_the_copy_sends_as_it_is_is_what_djangos_conversion_would_send(data):
    connection = connections["commerce"]
    field = data.draw(st.sampled_from(_copied_fields()))
    value = data.draw(CONVERTED_VALUES)
    try:
        expected = field.get_db_prep_save(value, connection)
    except (ValueError, TypeError, ValidationError):
        # Django refuses it: the copy must hand it to Django too, not send it on.
        assert value.__class__ not in unchanged_types(field)
        return
    record = field.model()
    record.__dict__[field.attname] = value  # as stored: a state field refuses setattr
    (sent,) = copy_values(record, copy_plan([field]), connection)
    assert sent == expected and type(sent) in {type(expected), *type(expected).__mro__}
    if isinstance(expected, datetime) and isinstance(value, datetime) and value.tzinfo is None:
        assert sent.tzinfo is not None  # made aware by Django, not sent as it was


def test_a_field_that_converts_its_own_way_is_never_taken_as_unchanged():
    from django.db import models

    class Upper(models.CharField):
        def to_python(self, value):
            return value.upper() if isinstance(value, str) else value

    class Stamp(models.DateTimeField):
        def get_prep_value(self, value):
            return value

    assert unchanged_types(models.CharField(max_length=5)) == {str, type(None)}
    assert unchanged_types(Upper(max_length=5)) == frozenset()
    assert unchanged_types(Stamp()) == frozenset()
    assert unchanged_types(models.JSONField()) == frozenset()
    assert unchanged_types(models.ForeignKey("sales.Lead", on_delete=models.CASCADE)) == set()
