import pytest
from rest_framework.test import APIClient

from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES
from tests.factories import UserFactory


@pytest.fixture
def anonymous_client():
    # CSRF is enforced as for a browser, so the public endpoints prove they need no token.
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def back_office_user():
    return UserFactory(username="anna.backoffice", groups=[COMMERCE_BACK_OFFICE])


@pytest.fixture
def back_office_client(back_office_user):
    client = APIClient()
    client.force_authenticate(back_office_user)
    return client


@pytest.fixture
def sales_rep_client():
    client = APIClient()
    client.force_authenticate(UserFactory(groups=[SALES_REPRESENTATIVES]))
    return client
