"""Faster bulk inserts on PostgreSQL: a text dumper for the arrays of Django 5.2's bulk
inserts, and COPY for the rows the flow appends in bulk (`rows_copy`).

Django inserts many rows at once as `UNNEST` of one array per column, and psycopg writes each
array in its text form in Python. Its ListDumper escapes the quotes and backslashes of every
element with `re.sub(rb'(["\\])', rb"\\\1", ...)`, which calls back into Python for each match:
for the JSON columns (request payloads, email contexts, outbox messages), full of quotes, that
was about a fifth of the sync jobs' time. `bytes.replace` does the same escaping in C.
Every element is quoted, which the array syntax always allows: psycopg's test of whether an
element needs quotes is a regular expression over the whole element, as slow as the escaping
was on long JSON values.
"""

import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from django.db import connections, transaction
from django.db.models import Field, Model
from django.db.models import fields as model_fields
from psycopg.types.array import ListDumper


class TextListDumper(ListDumper):
    def _dump_list(self, obj: list[Any], tokens: list, needs_quotes) -> None:
        if not obj:
            tokens.append(b"{}")
            return
        dump = self.sub_dumper.dump if self.sub_dumper else self._dump_item
        tokens.append(b"{")
        for item in obj:
            if item is None:
                tokens.append(b"NULL")
            elif isinstance(item, list):
                self._dump_list(item, tokens, needs_quotes)
            elif (data := dump(item)) is None:
                tokens.append(b"NULL")
            else:
                data = bytes(data).replace(b"\\", b"\\\\").replace(b'"', b'\\"')
                tokens.append(b'"' + data + b'"')
            tokens.append(self.delimiter)
        tokens[-1] = b"}"


def list_dumper_register() -> None:
    """For connections opened from now on (Django copies psycopg's adapters when it connects)."""
    psycopg.adapters.register_dumper(list, TextListDumper)


# Field classes whose conversion for PostgreSQL gives back a value of these types unchanged:
# `rows_copy` skips the conversion's four calls for them (a third of a prospect's copy).
# Only while a field inherits every step of the conversion from the class named here;
# tests/core/test_postgres.py holds the shortcut to Django's own answers.
_UNCHANGED_BY_CONVERSION = (
    (model_fields.CharField, (str,)),
    (model_fields.TextField, (str,)),
    (model_fields.IntegerField, (int,)),
    (model_fields.UUIDField, (uuid.UUID,)),
    # Aware ones only: a naive datetime is converted (with Django's warning).
    (model_fields.DateTimeField, (datetime,)),
)
_CONVERSION_STEPS = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")


def unchanged_types(field: Field) -> frozenset[type]:
    """The types of the values `field.get_db_prep_save` returns as they are, on PostgreSQL."""
    for base, types in _UNCHANGED_BY_CONVERSION:
        if isinstance(field, base) and all(
            getattr(type(field), step) is getattr(base, step) for step in _CONVERSION_STEPS
        ):
            return frozenset((*types, type(None)))
    return frozenset()


def copy_values(obj: Model, plan: Sequence[tuple[Field, bool, frozenset[type]]], connection):
    """A new record's column values for COPY, as `bulk_create` would send them."""
    row = []
    for field, plain_read, unchanged in plan:
        value = getattr(obj, field.attname) if plain_read else field.pre_save(obj, True)
        kind = value.__class__
        if kind not in unchanged or (kind is datetime and value.tzinfo is None):
            value = field.get_db_prep_save(value, connection)
        row.append(value)
    return row


def copy_plan(fields: Sequence[Field]) -> list[tuple[Field, bool, frozenset[type]]]:
    """Per field: whether its value is read as it is (no `pre_save` of its own), and the
    types its conversion keeps."""
    return [
        (field, type(field).pre_save is Field.pre_save, unchanged_types(field)) for field in fields
    ]


def _copy(cursor, target: str, columns: str, objs: Sequence[Model], plan) -> None:
    connection = cursor.db
    statement = f"COPY {target} ({columns}) FROM STDIN"
    started = time.monotonic()
    with cursor.cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row(copy_values(obj, plan, connection))
    if connection.queries_logged:
        # Counted with the statements Django runs (CaptureQueriesContext, debug): COPY goes
        # around its cursor wrapper.
        connection.queries_log.append(
            {
                "sql": f"{statement} -- {len(objs)} rows",
                "time": f"{time.monotonic() - started:.3f}",
            }
        )


def _copy_skipping_conflicts(
    cursor, db_table: str, columns: str, objs: Sequence[Model], plan
) -> None:
    """COPY into a temporary table, then one `INSERT … ON CONFLICT DO NOTHING`."""
    quote = cursor.db.ops.quote_name
    table, staging = quote(db_table), quote(f"staged_{db_table}")
    # The temporary table lives until the transaction ends: one is needed.
    with transaction.atomic(using=cursor.db.alias):
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        _copy(cursor, staging, columns, objs, plan)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute(f"DROP TABLE {staging}")


def rows_copy(
    objs: Sequence[Model], *, using: str, ignore_conflicts: bool = False, ids: bool = True
) -> None:
    """Insert new records as `bulk_create` does, through COPY where `using` is PostgreSQL.

    For the rows the flow writes in bulk (staged requests, queued emails, prospects, leads,
    transition logs, outbox and inbox messages, timeline notes): Django's bulk insert builds
    one text array per column in Python and quotes it into the statement, where COPY streams
    the values through psycopg's C dumpers (a batch of 500 outbox messages: 27 → 12 ms).
    An auto id is taken from the table's sequence first, so the records come back saved, with
    their ids, as from `bulk_create`. With `ignore_conflicts` the rows get no ids, as from
    `bulk_create`: they are copied straight in, and only if a key is taken (a savepoint rolls
    that copy back) do they go through a temporary table and `INSERT … ON CONFLICT DO NOTHING`.
    With `ids=False` the table's sequence gives the ids and the records are not told them: for
    rows nobody reads back (logs, notes, outbox messages), one statement less a batch.
    Elsewhere (SQLite) it is `bulk_create`.
    """
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._base_manager.using(using).bulk_create(objs, ignore_conflicts=ignore_conflicts)
        return
    opts = model._meta
    auto = opts.auto_field
    told_ids = ids and not ignore_conflicts
    fields = [f for f in opts.concrete_fields if f.column and (told_ids or f is not auto)]
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    columns = ", ".join(quote(field.column) for field in fields if field.column)
    plan = copy_plan(fields)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if not ignore_conflicts:
            if auto is not None and told_ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [opts.db_table, auto.column, len(objs)],
                )
                for obj, (pk_value,) in zip(objs, cursor.fetchall(), strict=True):
                    setattr(obj, auto.attname, pk_value)
            _copy(cursor, table, columns, objs, plan)
        else:
            try:
                # Conflicts are rare (a run resumed after a crash): straight in, in a savepoint.
                with transaction.atomic(using=using):
                    _copy(cursor, table, columns, objs, plan)
            except psycopg.errors.UniqueViolation:
                _copy_skipping_conflicts(cursor, opts.db_table, columns, objs, plan)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
