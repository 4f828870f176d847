import pytest

from core.access import COMMERCE_BACK_OFFICE
from tests.factories import HierarchyMemberFactory, UserFactory


@pytest.fixture
def back_office(client):
    # No staff flag and no model permissions: the group alone opens the console.
    user = UserFactory(username="ewa.backoffice", is_staff=False, groups=[COMMERCE_BACK_OFFICE])
    client.force_login(user)
    return client


@pytest.fixture
def admin_member():
    """The only admin of a Czech organization's hierarchy."""
    return HierarchyMemberFactory(
        hierarchy__organization__name="Žluťoučký kůň s.r.o.",
        customer__first_name="Jiří",
        customer__last_name="Kůň",
        customer__name="Jiří Kůň",
    )
