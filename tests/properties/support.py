"""Per-example isolation and write detection for property tests.

Hypothesis runs many examples inside one pytest test, so one test transaction would let the
examples see each other's rows. Each example runs in savepoints that are rolled back instead,
and compares row counts of every table in every database before and after the call under test.
"""

import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.apps import apps
from django.conf import settings
from django.db import connections, router, transaction


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the block writes, in any database, is undone when it ends."""
    with ExitStack() as stack:
        for alias in settings.DATABASES:
            stack.enter_context(transaction.atomic(using=alias))
        yield
        for alias in settings.DATABASES:
            transaction.set_rollback(True, using=alias)


def row_counts() -> Counter[str]:
    """Rows per table, keyed `alias:app.Model`, for every model migrated into each database.

    One query per database, so that counting before and after every example stays cheap.
    """
    counts: Counter[str] = Counter()
    for alias in settings.DATABASES:
        models = [model for model in apps.get_models() if router.allow_migrate_model(alias, model)]
        connection = connections[alias]
        columns = ", ".join(
            f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)})"
            for model in models
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}")
            row = cursor.fetchone()
        counts.update(
            {f"{alias}:{model._meta.label}": n for model, n in zip(models, row, strict=True)}
        )
    return counts


def rows_added(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """Tables whose row count changed, with the change (negative when rows went away)."""
    return {
        table: after[table] - before[table]
        for table in before.keys() | after.keys()
        if after[table] != before[table]
    }


def assert_follows_text_rules(value: str, *, limit: int | None, line_breaks: bool) -> None:
    """Text a service stored obeys SPEC §11: no control characters, within the limit."""
    allowed = {"\n", "\r", "\t"} if line_breaks else set()
    refused = [
        ch for ch in value if unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in allowed
    ]
    assert not refused, f"accepted control characters {refused!r} in {value!r}"
    if limit is not None:
        assert len(value) <= limit, f"accepted {len(value)} > {limit} characters"
