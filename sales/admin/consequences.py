"""What each record button of the Sales console will do, said on its confirmation step before
the rep confirms (SPEC §3 steps 5-8): in Sales, and in Commerce when the record stands for a
partner's request there (a prospect number)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sales.models import Lead, Opportunity


def _consequences(record: Lead | Opportunity, in_sales: Promise, in_commerce: Promise) -> list[str]:
    texts = [str(in_sales)]
    if record.prospect_number:
        texts.append(str(in_commerce) % {"number": record.prospect_number})
    return texts


def qualify_consequences(lead: Lead) -> list[str]:
    return _consequences(
        lead,
        _("The lead becomes qualified; its sections can no longer be edited."),
        _(
            "Dual-write writes the account and the contact to Commerce as the customers of "
            "prospect %(number)s. The partner is approved only when the opportunity is won."
        ),
    )


def disqualify_consequences(lead: Lead) -> list[str]:
    return _consequences(
        lead,
        _("The lead becomes disqualified with the reason you choose; it can be reactivated later."),
        _(
            "Dual-write rejects the partner in Commerce (prospect %(number)s) with this "
            "reason, and Commerce emails the requester that the request was rejected."
        ),
    )


def reactivate_consequences(lead: Lead) -> list[str]:
    return _consequences(
        lead,
        _("The lead is open again with the status reason “New”, to be qualified or disqualified."),
        _(
            "Prospect %(number)s in Commerce is new again, waiting for the decision; no "
            "email is sent."
        ),
    )


def close_as_won_consequences(opportunity: Opportunity) -> list[str]:
    return _consequences(
        opportunity,
        _(
            "The opportunity is closed as won with the actual revenue and close date you "
            "enter; it can no longer be edited."
        ),
        _(
            "Dual-write approves the partner in Commerce (prospect %(number)s): Commerce "
            "creates its customers and hierarchy and invites its admin by email."
        ),
    )


def close_as_lost_consequences(opportunity: Opportunity) -> list[str]:
    return _consequences(
        opportunity,
        _(
            "The opportunity is closed as lost with the reason you choose; it can no longer be "
            "edited."
        ),
        _(
            "Dual-write rejects the partner in Commerce (prospect %(number)s), and Commerce "
            "emails the requester that the request was rejected."
        ),
    )
