"""Account and contact services."""

import pytest

from sales.services import account_update
from tests.factories import AccountFactory
from tests.sales.services.support import _reload

pytestmark = pytest.mark.django_db(databases="__all__")


def test_account_update_refolds_the_company_name_key():
    account = AccountFactory()
    account_update(account_id=account.pk, values={"name": "ŁÓDŹ Sp. z o.o."})
    account = _reload(account)
    assert (account.company_name_key, account.version) == ("lodz sp z o o", 2)
