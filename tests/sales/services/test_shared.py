"""Sales services, shared: the number sequences."""

import pytest

from sales.services import number_sequence_take

pytestmark = pytest.mark.django_db(databases="__all__")


# --- number sequences -------------------------------------------------------------------------


def test_sales_number_sequences_are_seeded_and_consecutive():
    assert number_sequence_take(code="account", count=2) == ["A-000001", "A-000002"]
    assert number_sequence_take(code="contact") == ["CT-000001"]
    assert number_sequence_take(code="opportunity") == ["OP-000001"]
