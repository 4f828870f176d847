"""Checks of values given to HQ actions: amounts, roles and a person's required fields."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from commerce.models import Customer, HierarchyMember
from core.errors import ServiceError
from core.validators import validate_single_line

# Money fields have 14 digits, 2 of them after the point.
_MONEY_CEILING = Decimal(10) ** 12
_CENT = Decimal("0.01")


def amount_checked(value: object, *, message: str, code: str) -> Decimal:
    """A non-negative amount with at most 12 digits before the point and 2 after it."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(message, code=code) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= _MONEY_CEILING
        or amount != amount.quantize(_CENT)
    ):
        raise ServiceError(message, code=code)
    return amount.quantize(_CENT)


def spending_limit_checked(value: object) -> Decimal | None:
    """An amount, or None (no limit) for nothing given."""
    if value is None or value == "":
        return None
    return amount_checked(
        value,
        message=_(
            "The spending limit must be an amount from 0 with at most 12 digits before "
            "the decimal point and 2 after it, or empty for no limit."
        ),
        code="invalid_spending_limit",
    )


def member_role_checked(value: object) -> str:
    if value not in HierarchyMember.Role.values:
        raise ServiceError(_("The role must be admin or user."), code="invalid_role")
    return str(value)


def text_clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def _field_label(model, field: str) -> str:
    return str(getattr(model._meta.get_field(field), "verbose_name", field))


def person_validate(person: Customer, *, fields: tuple[str, ...]) -> None:
    """The given fields are required single lines; lengths and the email follow the model.

    Only these fields are checked: the rest of a person may come from Sales as it is.
    """
    errors: dict[str, list[str]] = {}
    for field in fields:
        try:
            if not getattr(person, field):
                raise ValidationError(_("This field is required."), code="required")
            validate_single_line(getattr(person, field))
        except ValidationError as exc:
            errors[field] = exc.messages
    unchecked = [f.name for f in Customer._meta.fields if f.name not in fields or f.name in errors]
    try:
        person.full_clean(exclude=unchecked, validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        message = "; ".join(
            f"{capfirst(_field_label(Customer, field))}: {' '.join(messages)}"
            for field, messages in errors.items()
        )
        raise ServiceError(message, code="invalid", details={"errors": errors})
