"""sales 0008: notes the integration wrote before become translatable."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections
from django.utils import translation

from sales.models import Note
from tests.factories import LeadFactory

migration = importlib.import_module("sales.migrations.0008_system_notes")
pytestmark = pytest.mark.django_db(databases="__all__")


def test_earlier_integration_notes_become_translatable_and_peoples_notes_stay():
    lead = LeadFactory()
    written = Note.objects.using("sales").create(
        lead=lead,
        author="dual-write",
        text="Created by dual-write from Commerce prospect PR-000123.",
    )
    person = Note.objects.using("sales").create(
        lead=lead, author="rep", text="Created by dual-write from Commerce, they said."
    )

    migration.integration_notes_translatable(apps, SimpleNamespace(connection=connections["sales"]))

    written.refresh_from_db(using="sales")
    person.refresh_from_db(using="sales")
    assert written.system_values == {"number": "PR-000123"}
    with translation.override("pl"):
        assert "PR-000123" in written.text_for_reader
        assert written.text_for_reader != written.text
    assert person.system_message == "" and person.text_for_reader == person.text
