"""The list dumper of core/postgres.py writes arrays PostgreSQL reads back as they were."""

import uuid

import psycopg
import pytest
from django.db import connections
from hypothesis import given
from hypothesis import strategies as st
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import Format
from psycopg.types.array import ListDumper

from commerce.models import ChannelRequest
from core.postgres import TextListDumper

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
