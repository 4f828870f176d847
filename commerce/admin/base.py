"""What HQ's commerce pages share: read-only records of the commerce database, open to the
back-office group, and the audit trail shown on customers and hierarchies."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language_info

from commerce import selectors
from consoles.hq import hq_site
from core.access import COMMERCE_BACK_OFFICE
from core.admin.access import ReadOnlyAccess
from core.admin.display import EMPTY
from core.admin.options import ConsoleAdmin

DB = "commerce"
AUDIT_TRAIL_LENGTH = 100


class CommerceRecordAdmin(ReadOnlyAccess, ConsoleAdmin):
    """A read-only list and detail of HQ records; they change through the buttons' services."""

    access_groups = (COMMERCE_BACK_OFFICE,)
    db_alias = DB
    # One COUNT per page, not two: the unfiltered total is not worth a second table scan.
    show_full_result_count = False


def language_name(code: str) -> str:
    """A language as the reader names it ("Polish"; for a Polish reader "polski"), not "pl";
    a code Django does not know shows as it is."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def short_datetime(value) -> str:
    """A list's date and time in the reader's short format, in the site's time zone."""
    if value is None:
        return EMPTY
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def audit_trail(keys: list[str]) -> str:
    """The latest changes of these business keys, newest first, with a link to them all."""
    entries = selectors.audit_entry_list(keys=keys)[:AUDIT_TRAIL_LENGTH]
    all_url = reverse("admin:commerce_auditentry_changelist", current_app=hq_site.name)
    return render_to_string(
        "admin/hq/commerce/audit_trail.html",
        {"entries": entries, "all_url": f"{all_url}?{urlencode({'q': keys[0]})}"},
    )
