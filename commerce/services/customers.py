"""Customers: kept in step with Sales' accounts and contacts; credit limits set in HQ."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commerce.models import Customer
from core.errors import NotAllowed, NotFound, ServiceError
from core.models import ADDRESS_FIELD_NAMES, PERSON_FIELD_NAMES
from core.upserts import Upserted, locked_or_created, records_upsert

from .audit import audit_entries_create
from .common import DB, channel_copy_on_commit
from .validation import amount_checked

# The fields dual-write keeps in step with Sales' accounts and contacts.
CUSTOMER_SYNC_FIELDS = (
    "name",
    *PERSON_FIELD_NAMES,
    *ADDRESS_FIELD_NAMES,
    "tax_id",
    "website",
    "language",
    "prospect_number",
)


def customer_upsert(*, account_number: str, party_type: str, values: dict) -> Customer:
    """Create or update a customer by account number (dual-write's accounts and contacts)."""
    _sync_fields_check(values)

    def values_set(customer: Customer) -> Customer:
        for field, value in values.items():
            setattr(customer, field, value)
        _derived_set(customer, values)
        customer.full_clean(validate_unique=False)
        customer.save(using=DB)
        return customer

    with transaction.atomic(using=DB):
        customer, created = locked_or_created(
            Customer.objects.using(DB).filter(account_number=account_number),
            lambda: values_set(Customer(account_number=account_number, party_type=party_type)),
            using=DB,
        )
        if created:
            return customer
        _party_type_check(customer, party_type)
        values_set(customer)
    return customer


def _party_type_check(customer: Customer, party_type: str) -> None:
    if customer.party_type != party_type:
        raise NotAllowed(
            _("Customer %(number)s is an %(type)s, not a %(wanted)s.")
            % {"number": customer.account_number, "type": customer.party_type, "wanted": party_type}
        )


def _derived_set(customer: Customer, values: dict) -> None:
    """A person customer's name is their first and last name, when either is being set (a
    person HQ created with only a name keeps it)."""
    if customer.party_type == Customer.PartyType.PERSON and {"first_name", "last_name"} & set(
        values
    ):
        customer.name = f"{customer.first_name} {customer.last_name}".strip()


def _sync_fields_check(values: dict) -> None:
    unknown = set(values) - set(CUSTOMER_SYNC_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown customer fields: {', '.join(sorted(unknown))}")


def customers_upsert_many(*, party_type: str, values_by_account: dict[str, dict]) -> Upserted:
    """Create or update many customers of one party type at once (dual-write's initial sync).

    The bulk form of `customer_upsert`: one read of the existing customers, one insert of the
    new ones, one update of those whose values differ.
    """
    for values in values_by_account.values():
        _sync_fields_check(values)

    def prepare(customer: Customer) -> None:
        _party_type_check(customer, party_type)
        _derived_set(customer, values_by_account[customer.account_number])
        customer.full_clean(validate_unique=False)

    with transaction.atomic(using=DB):
        return records_upsert(
            Customer.objects.using(DB),
            key="account_number",
            rows=values_by_account,
            created_with={"party_type": party_type},
            prepare=prepare,
            derived=("name",),
        )


def customer_credit_limit_set(
    *, account_number: str, credit_limit: Decimal, currency: str, credit_limit_type: str, actor: str
) -> Customer:
    """Set an organization's credit limit, currency and credit limit type."""
    amount = amount_checked(
        credit_limit,
        message=_(
            "The credit limit must be an amount from 0 with at most 12 digits before "
            "the decimal point and 2 after it."
        ),
        code="invalid_credit_limit",
    )
    if credit_limit_type not in Customer.CreditLimitType.values:
        raise ServiceError(
            _("The credit limit type must be none or balance."), code="invalid_credit_limit_type"
        )
    with transaction.atomic(using=DB):
        try:
            customer = (
                Customer.objects.using(DB).select_for_update().get(account_number=account_number)
            )
        except Customer.DoesNotExist:
            raise NotFound(
                _("Customer %(number)s does not exist.") % {"number": account_number}
            ) from None
        if customer.party_type != Customer.PartyType.ORGANIZATION:
            raise NotAllowed(
                _("Customer %(number)s is a person; credit limits are kept on organizations.")
                % {"number": account_number},
                code="not_organization",
            )
        before = {
            "credit_limit": customer.credit_limit,
            "currency": customer.currency,
            "credit_limit_type": customer.credit_limit_type,
        }
        customer.credit_limit = amount
        customer.currency = str(currency).strip().upper()
        customer.credit_limit_type = credit_limit_type
        # Only the fields set here are checked: other data may come from Sales as it is.
        others = [f.name for f in Customer._meta.fields if f.name not in before]
        try:
            customer.full_clean(exclude=others, validate_unique=False)
        except ValidationError as exc:
            raise ServiceError(
                " ".join(exc.messages), code="invalid", details={"errors": exc.message_dict}
            ) from None
        customer.save(using=DB, update_fields=[*before, "updated_at"])
        audit_entries_create(
            actor=actor,
            record=customer,
            object_key=account_number,
            changes={field: (old, getattr(customer, field)) for field, old in before.items()},
        )
        channel_copy_on_commit()
    return customer
