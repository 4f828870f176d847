"""What each record button of the Sales console will do, said on its confirmation step before
the rep confirms (SPEC §3 steps 5-8): in Sales, and in Commerce when the record stands for a
partner's request there (a prospect number)."""

from django.utils.translation import gettext

from sales.models import Lead, Opportunity


def qualify_consequences(lead: Lead) -> list[str]:
    texts = [gettext("The lead becomes qualified; its sections can no longer be edited.")]
    if lead.prospect_number:
        texts.append(
            gettext(
                "Dual-write writes the account and the contact to Commerce as the customers of "
                "prospect %(number)s. The partner is approved only when the opportunity is won."
            )
            % {"number": lead.prospect_number}
        )
    return texts


def disqualify_consequences(lead: Lead) -> list[str]:
    texts = [
        gettext(
            "The lead becomes disqualified with the reason you choose; it can be reactivated later."
        )
    ]
    if lead.prospect_number:
        texts.append(
            gettext(
                "Dual-write rejects the partner in Commerce (prospect %(number)s) with this "
                "reason, and Commerce emails the requester that the request was rejected."
            )
            % {"number": lead.prospect_number}
        )
    return texts


def reactivate_consequences(lead: Lead) -> list[str]:
    texts = [
        gettext(
            "The lead is open again with the status reason “New”, to be qualified or disqualified."
        )
    ]
    if lead.prospect_number:
        texts.append(
            gettext(
                "Prospect %(number)s in Commerce is new again, waiting for the decision; no "
                "email is sent."
            )
            % {"number": lead.prospect_number}
        )
    return texts


def close_as_won_consequences(opportunity: Opportunity) -> list[str]:
    texts = [
        gettext(
            "The opportunity is closed as won with the actual revenue and close date you "
            "enter; it can no longer be edited."
        )
    ]
    if opportunity.prospect_number:
        texts.append(
            gettext(
                "Dual-write approves the partner in Commerce (prospect %(number)s): Commerce "
                "creates its customers and hierarchy and invites its admin by email."
            )
            % {"number": opportunity.prospect_number}
        )
    return texts


def close_as_lost_consequences(opportunity: Opportunity) -> list[str]:
    texts = [
        gettext(
            "The opportunity is closed as lost with the reason you choose; it can no longer be "
            "edited."
        )
    ]
    if opportunity.prospect_number:
        texts.append(
            gettext(
                "Dual-write rejects the partner in Commerce (prospect %(number)s), and Commerce "
                "emails the requester that the request was rejected."
            )
            % {"number": opportunity.prospect_number}
        )
    return texts
