"""Reading a quick order: "product number, quantity" lines, pasted or uploaded as CSV.

Spreadsheets write these in many ways: a byte-order mark, semicolons or tabs between columns,
a header row, Polish or Czech decimal commas ("2,0"), blank lines. Each line is read on its own;
a line that cannot be read gets its own error and the others go on.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Above this a line is a typing mistake, not an order (and totals stay within their columns).
MAX_QUANTITY = 100_000
MAX_LINES = 500
_SEPARATORS = ("\t", ";", ",")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def quantity_range_error() -> str:
    """What a quantity outside 1 to MAX_QUANTITY is told, wherever it comes from."""
    return _("The quantity must be a whole number from 1 to %(max)s.") % {
        "max": number_format(MAX_QUANTITY, force_grouping=True)
    }


@dataclass(frozen=True)
class LineError:
    line: int  # 1-based, as a spreadsheet numbers rows
    text: str
    message: str


@dataclass
class QuickOrder:
    # product number (upper case) → quantity; the same product on two lines is merged.
    quantities: dict[str, int] = field(default_factory=dict)
    # product number → the first line it came from, for errors found later (unknown product).
    lines: dict[str, tuple[int, str]] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)


def _split(text: str) -> list[str]:
    for separator in _SEPARATORS:
        if separator in text:
            number, _sep, rest = text.partition(separator)
            # "P-100;2,0": the first separator splits; a decimal comma stays in the quantity.
            return [number, rest]
    return text.rsplit(None, 1) if " " in text.strip() else [text]


def _quantity(text: str) -> int | None:
    """A whole quantity of at least 1; "2,0", "2.00" and "1 000" are read, "1,5" is not."""
    cleaned = _SPACES.sub("", text).strip().strip('"').replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.to_integral_value() or value < 1:
        return None
    return int(value)


def quick_order_parse(text: str) -> QuickOrder:
    order = QuickOrder()
    rows = text.lstrip("\ufeff").splitlines()
    for index, raw in enumerate(rows, start=1):
        line = raw.strip().strip("\ufeff")
        if not line or line.strip(",;\t ") == "":
            continue
        if len(order.lines) + len(order.errors) >= MAX_LINES:
            order.errors.append(
                LineError(
                    index,
                    line[:80],
                    _("A quick order takes at most %(count)s lines.") % {"count": MAX_LINES},
                )
            )
            break
        parts = [part.strip().strip('"').strip() for part in _split(line)]
        number = _SPACES.sub("", parts[0]).upper()
        if len(parts) < 2 or not parts[1]:
            order.errors.append(
                LineError(index, line[:80], _("Give a quantity after the product number."))
            )
            continue
        quantity = _quantity(parts[1])
        if quantity is None:
            if not order.lines and not order.errors and not any(ch.isdigit() for ch in parts[1]):
                continue  # a header row ("product number; quantity")
            order.errors.append(
                LineError(index, line[:80], _("The quantity must be a whole number of 1 or more."))
            )
            continue
        if not number or len(number) > 20:
            order.errors.append(LineError(index, line[:80], _("This is not a product number.")))
            continue
        total = order.quantities.get(number, 0) + quantity
        if total > MAX_QUANTITY:
            order.errors.append(
                LineError(
                    index,
                    line[:80],
                    _("The quantity must be at most %(max)s.")
                    % {"max": number_format(MAX_QUANTITY, force_grouping=True)},
                )
            )
            continue
        order.quantities[number] = total
        order.lines.setdefault(number, (index, line[:80]))
    return order
