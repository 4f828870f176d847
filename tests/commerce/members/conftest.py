"""Fixtures of the hierarchy member tests."""

import pytest

from tests.factories import HierarchyMemberFactory


@pytest.fixture
def admin():
    """The only admin of a Czech organization's hierarchy."""
    return HierarchyMemberFactory(hierarchy__organization__name="Žluťoučký kůň s.r.o.")
