"""Indexes of the tables the flow appends to: each one used, none written for nothing."""

import pytest
from django.db import connections

from commerce.models import EmailNotification
from sales.models import Note

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(databases="__all__")]


def _plan(queryset, alias: str) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the tables are empty here
    return queryset.explain()


@pytest.mark.parametrize("parent", ["lead", "opportunity", "account", "contact"])
def test_a_records_notes_are_found_through_the_index_of_its_kind(parent):
    plan = _plan(Note.objects.using("sales").filter(**{f"{parent}_id": 7}), "sales")
    assert f"sales_note_{parent}" in plan


def test_a_note_is_in_the_index_of_its_own_kind_only():
    with connections["sales"].cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'sales_note'")
        indexes = dict(cursor.fetchall())
    for parent in ("lead", "opportunity", "account", "contact"):
        assert indexes[f"sales_note_{parent}"].endswith(f"WHERE ({parent}_id IS NOT NULL)")
    assert not [name for name in indexes if name.endswith("_like")]


def test_an_email_is_found_by_its_recipient_in_any_case_through_an_index():
    plan = _plan(
        EmailNotification.objects.using("commerce").filter(recipient__iexact="Anna@Firma.pl"),
        "commerce",
    )
    assert "commerce_email_recipient_ci" in plan


def test_queued_emails_have_no_index_for_like_searches():
    with connections["commerce"].cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'commerce_emailnotification'"
        )
        names = {name for (name,) in cursor.fetchall()}
    assert not [name for name in names if name.endswith("_like")]
    assert "commerce_email_one_per_event" in names
