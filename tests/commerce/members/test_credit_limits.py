"""A customer's credit limit: the audit, the available credit and the refusals."""

from decimal import Decimal

import pytest

from commerce.models import AuditEntry
from commerce.services import customer_credit_limit_set
from core.errors import NotAllowed, NotFound, ServiceError
from tests.commerce.members.support import _audit
from tests.factories import CustomerFactory, PersonCustomerFactory

pytestmark = pytest.mark.django_db(databases="__all__")


# --- credit limits ----------------------------------------------------------------------------


def test_credit_limit_set_is_audited_and_gives_available_credit():
    organization = CustomerFactory(balance=Decimal("250.00"))

    customer_credit_limit_set(
        account_number=organization.account_number,
        credit_limit=Decimal("10000"),
        currency="pln",
        credit_limit_type="balance",
        actor="anna.backoffice",
    )

    organization.refresh_from_db()
    assert organization.credit_limit == Decimal("10000.00")
    assert organization.currency == "PLN"
    assert organization.available_credit == Decimal("9750.00")
    assert _audit(organization.account_number) == {
        "credit_limit": ("0.00", "10000.00", "anna.backoffice"),
        "currency": ("EUR", "PLN", "anna.backoffice"),
        "credit_limit_type": ("none", "balance", "anna.backoffice"),
    }


def test_no_available_credit_without_a_balance_limit():
    assert CustomerFactory(credit_limit=Decimal("5")).available_credit is None


@pytest.mark.parametrize(
    ("values", "error", "code"),
    [
        ({"credit_limit": Decimal("-1")}, ServiceError, "invalid_credit_limit"),
        ({"credit_limit": Decimal("1e12")}, ServiceError, "invalid_credit_limit"),
        ({"credit_limit_type": "orders"}, ServiceError, "invalid_credit_limit_type"),
        ({"currency": "EURO"}, ServiceError, "invalid"),
        ({"currency": "€"}, ServiceError, "invalid"),
    ],
)
def test_credit_limit_set_refuses_bad_values(values, error, code):
    organization = CustomerFactory()
    arguments = {"credit_limit": Decimal("1"), "currency": "CZK", "credit_limit_type": "none"}

    with pytest.raises(error) as refused:
        customer_credit_limit_set(
            account_number=organization.account_number,
            actor="anna.backoffice",
            **{**arguments, **values},
        )

    assert refused.value.code == code
    organization.refresh_from_db()
    assert (organization.credit_limit, organization.currency) == (Decimal("0"), "EUR")
    assert not AuditEntry.objects.exists()


def test_credit_limit_is_refused_for_a_person_and_an_unknown_customer():
    person = PersonCustomerFactory()
    arguments = {
        "credit_limit": Decimal("1"),
        "currency": "CZK",
        "credit_limit_type": "none",
        "actor": "anna.backoffice",
    }

    with pytest.raises(NotAllowed) as refused:
        customer_credit_limit_set(account_number=person.account_number, **arguments)
    with pytest.raises(NotFound):
        customer_credit_limit_set(account_number="C-404404", **arguments)

    assert refused.value.code == "not_organization"
    assert not AuditEntry.objects.exists()
