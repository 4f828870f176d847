"""accounts ⇄ organization customers and contacts ⇄ person customers: two-way, field by field."""

from django.utils.translation import gettext_noop

from commerce import selectors as commerce_selectors
from commerce import services as commerce
from core.models import ADDRESS_FIELD_NAMES, PERSON_FIELD_NAMES
from sales import selectors as sales_selectors
from sales import services as sales

from .base import Direction, InitialSyncStep, Payload, TableMap, Trigger, identity

ORGANIZATION, PERSON = "organization", "person"


def _customer(key: str):
    return commerce_selectors.customer_get(account_number=key)


def _customer_keys(keys: list[str]) -> set[str]:
    return commerce_selectors.customer_account_numbers(account_numbers=keys)


def _customer_from_sales(payload: Payload) -> None:
    values = {k: v for k, v in payload.items() if k not in ("account_number", "party_type")}
    commerce.customer_upsert(
        account_number=payload["account_number"], party_type=payload["party_type"], values=values
    )


def _by_key(payloads: list[Payload], key: str, *drop: str) -> dict[str, dict]:
    """{key value: the other values} of a batch of payloads (the initial sync's bulk form)."""
    return {
        payload[key]: {k: v for k, v in payload.items() if k != key and k not in drop}
        for payload in payloads
    }


def _customers_from_sales(party_type: str):
    def apply_many(payloads: list[Payload]) -> None:
        commerce.customers_upsert_many(
            party_type=party_type,
            values_by_account=_by_key(payloads, "account_number", "party_type"),
        )

    return apply_many


def _accounts_from_customers(payloads: list[Payload]) -> None:
    sales.accounts_upsert_from_commerce_many(values_by_account=_by_key(payloads, "account_number"))


def _contacts_from_customers(payloads: list[Payload]) -> None:
    sales.contacts_upsert_from_commerce_many(values_by_contact=_by_key(payloads, "contact_number"))


def _account_from_customer(payload: Payload) -> None:
    values = dict(payload)
    sales.account_upsert_from_commerce(
        account_number=values.pop("account_number"),
        prospect_number=values.pop("prospect_number", "") or "",
        values=values,
    )


def _contact_from_customer(payload: Payload) -> None:
    values = dict(payload)
    sales.contact_upsert_from_commerce(
        contact_number=values.pop("contact_number"),
        prospect_number=values.pop("prospect_number", "") or "",
        values=values,
    )


def _customers_map(
    *,
    code: str,
    name: str,
    key: str,
    field_map: dict[str, str],
    party_type: str,
    sales_model: str,
    to_sales,
    to_sales_many,
    sales_record,
    sales_records,
    conflict_rule: str,
) -> TableMap:
    """Sales records (left) ⇄ Commerce customers of one party type (right), by business key.

    Commerce is the master for the initial sync: its customers overwrite Sales records with
    the same number; Sales records unknown to Commerce are added there.
    """
    return TableMap(
        code=code,
        name=name,
        key=key,
        field_map=field_map,
        directions=(
            Direction(
                "sales",
                "commerce",
                _customer_from_sales,
                constants={"party_type": party_type},
                target_record=_customer,
            ),
            Direction("commerce", "sales", to_sales, forward=False, target_record=sales_record),
        ),
        triggers=(
            Trigger(sales_model, on="save"),
            Trigger("commerce.Customer", on="save", when=lambda c: c.party_type == party_type),
        ),
        conflict_rule=conflict_rule,
        initial_sync=(
            InitialSyncStep(
                "commerce",
                lambda: commerce_selectors.customer_list(party_type=party_type),
                apply_many=to_sales_many,
            ),
            InitialSyncStep(
                "sales",
                sales_records,
                target_keys=_customer_keys,
                apply_many=_customers_from_sales(party_type),
            ),
        ),
        initial_sync_master="commerce",
    )


ACCOUNTS_ORGANIZATION_CUSTOMERS = _customers_map(
    code="accounts_organization_customers",
    name=gettext_noop("Accounts ⇄ organization customers"),
    key="account_number",
    field_map=identity(
        "account_number",
        "name",
        "email",
        "phone",
        "website",
        "tax_id",
        "language",
        "prospect_number",
        *ADDRESS_FIELD_NAMES,
    ),
    party_type=ORGANIZATION,
    sales_model="sales.Account",
    to_sales=_account_from_customer,
    to_sales_many=_accounts_from_customers,
    sales_record=lambda key: sales_selectors.account_get(account_number=key),
    sales_records=sales_selectors.account_list,
    conflict_rule="commerce",
)

CONTACTS_PERSON_CUSTOMERS = _customers_map(
    code="contacts_person_customers",
    name=gettext_noop("Contacts ⇄ person customers"),
    key="contact_number",
    field_map={
        "contact_number": "account_number",
        **identity(
            *PERSON_FIELD_NAMES,
            "language",
            "prospect_number",
            *ADDRESS_FIELD_NAMES,
        ),
    },
    party_type=PERSON,
    sales_model="sales.Contact",
    to_sales=_contact_from_customer,
    to_sales_many=_contacts_from_customers,
    sales_record=lambda key: sales_selectors.contact_get(contact_number=key),
    sales_records=sales_selectors.contact_list,
    conflict_rule="newest",
)
