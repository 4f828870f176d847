import pytest
from rest_framework.test import APIClient

from core.access import COMMERCE_BACK_OFFICE, SALES_REPRESENTATIVES
from tests.factories import UserFactory


@pytest.fixture
def rep_user():
    # No staff flag and no model permissions: the group alone opens the Sales console.
    return UserFactory(username="jan.rep", is_staff=False, groups=[SALES_REPRESENTATIVES])


@pytest.fixture
def back_office_user():
    return UserFactory(username="ewa.backoffice", is_staff=False, groups=[COMMERCE_BACK_OFFICE])


@pytest.fixture
def partner_user():
    return UserFactory(username="partner", is_staff=False)


@pytest.fixture
def rep(client, rep_user):
    client.force_login(rep_user)
    return client


@pytest.fixture
def back_office(client, back_office_user):
    client.force_login(back_office_user)
    return client


@pytest.fixture
def rep_api(rep_user):
    api = APIClient()
    api.force_authenticate(rep_user)
    return api


@pytest.fixture
def back_office_api(back_office_user):
    api = APIClient()
    api.force_authenticate(back_office_user)
    return api


@pytest.fixture
def partner_api(partner_user):
    api = APIClient()
    api.force_authenticate(partner_user)
    return api
