"""Business dates (SPEC §11): a date a person enters must fall in a window that makes sense.

From 1 January 2000, before which the CRM holds nothing (an earlier date is a typo such as
0001-01-01 or 1925), up to ten years from today, beyond which no sale is forecast. Dates far
outside it also break date arithmetic and other systems (year 1 overflows with a time zone).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 10


def latest_business_date() -> date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February, ten years on, is not a leap day
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def validate_business_date(value: date) -> None:
    latest = latest_business_date()
    if not EARLIEST <= value <= latest:
        raise ValidationError(
            _("Enter a date from %(earliest)s to %(latest)s."),
            code="date_out_of_range",
            params={
                "earliest": formats.date_format(EARLIEST, "SHORT_DATE_FORMAT"),
                "latest": formats.date_format(latest, "SHORT_DATE_FORMAT"),
            },
        )
