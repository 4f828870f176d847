"""Accounts and contacts changed by a rep in Sales."""

from django.db import transaction

from ..models import Account, Contact
from ._shared import DB, apply_values, known_fields, locked, validated_save
from .integration import UpsertedT


def _update(model: type[UpsertedT], *, pk: int, values: dict) -> UpsertedT:
    values = known_fields(values, model.EDITABLE_FIELD_NAMES)
    with transaction.atomic(using=DB):
        record = locked(model, pk=pk)
        if apply_values(record, values):
            validated_save(record)
    return record


def account_update(*, account_id: int, values: dict) -> Account:
    return _update(Account, pk=account_id, values=values)


def contact_update(*, contact_id: int, values: dict) -> Contact:
    return _update(Contact, pk=contact_id, values=values)
