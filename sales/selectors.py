"""Reads of Sales data: lead views, duplicate candidates and timelines."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .matching import company_email_domain, company_name_key
from .models import Account, Contact, Lead, Note, Opportunity, TransitionLog

DB = "sales"

MY_OPEN_LEADS = "my-open-leads"
ALL_B2B_COMMERCE_LEADS = "all-b2b-commerce-leads"
LEAD_VIEWS = {
    MY_OPEN_LEADS: _("My open leads"),
    ALL_B2B_COMMERCE_LEADS: _("All B2B commerce leads"),
}


def leads_in_view(leads: QuerySet[Lead], *, view: str | None, user_name: str) -> QuerySet[Lead]:
    """Narrow `leads` to a view of SPEC §3: the user's open leads or all B2B commerce leads.

    My open leads are the user's own, so leads owned by the integration user never show there.
    """
    if view == MY_OPEN_LEADS:
        return leads.filter(owner=user_name, status=Lead.Status.OPEN)
    if view == ALL_B2B_COMMERCE_LEADS:
        return leads.filter(lead_source=Lead.Source.B2B_COMMERCE)
    return leads


def lead_list(*, view: str | None = None, user_name: str = "") -> QuerySet[Lead]:
    """Every lead, or the leads of one view (see leads_in_view)."""
    leads = Lead.objects.using(DB).select_related("account", "contact", "opportunity")
    return leads_in_view(leads, view=view, user_name=user_name)


def opportunity_list() -> QuerySet[Opportunity]:
    return Opportunity.objects.using(DB).select_related("account", "contact", "originating_lead")


def account_list() -> QuerySet[Account]:
    return Account.objects.using(DB).all()


def contact_list() -> QuerySet[Contact]:
    return Contact.objects.using(DB).select_related("account")


# --- duplicate detection ----------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    kind: str  # "account" or "contact"
    number: str
    name: str
    email: str
    reason: str  # the strongest match: "email", "company_name" or "email_domain"


# Why a record is a candidate, strongest first.
DUPLICATE_REASONS = {
    "email": _("same email"),
    "company_name": _("same company name"),
    "email_domain": _("same email domain"),
}
_REASON_STRENGTH = tuple(DUPLICATE_REASONS)


def duplicate_candidates(*, company_name: str, email: str) -> list[DuplicateCandidate]:
    """Accounts and contacts that may be the same company or person as a lead (SPEC §3 step 5).

    Same email, same folded company name (accounts), or the same company email domain;
    free-mail domains never count. Each record appears once, with its strongest reason.
    """
    email = email.strip()
    domain = company_email_domain(email)
    name_key = company_name_key(company_name)

    def reason_for(record_email: str, record_name_key: str = "") -> str:
        if email and record_email.casefold() == email.casefold():
            return "email"
        if name_key and record_name_key == name_key:
            return "company_name"
        return "email_domain"

    account_match = Q(pk__in=[])
    contact_match = Q(pk__in=[])
    if email:
        account_match |= Q(email__iexact=email)
        contact_match |= Q(email__iexact=email)
    if name_key:
        account_match |= Q(company_name_key=name_key)
    if domain:
        account_match |= Q(email__iendswith=f"@{domain}")
        contact_match |= Q(email__iendswith=f"@{domain}")

    candidates = [
        DuplicateCandidate(
            kind="account",
            number=account.account_number,
            name=account.name,
            email=account.email,
            reason=reason_for(account.email, account.company_name_key),
        )
        for account in Account.objects.using(DB).filter(account_match)
    ] + [
        DuplicateCandidate(
            kind="contact",
            number=contact.contact_number,
            name=contact.full_name,
            email=contact.email,
            reason=reason_for(contact.email),
        )
        for contact in Contact.objects.using(DB).filter(contact_match)
    ]
    return sorted(candidates, key=lambda c: (_REASON_STRENGTH.index(c.reason), c.kind, c.number))


# --- timelines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "note" or "transition"
    at: datetime
    actor: str
    title: str
    text: str


def _note_entries(notes: QuerySet[Note]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            kind="note",
            at=note.created_at,
            actor=note.author,
            title=str(_("Note")),
            text=note.text_for_reader,
        )
        for note in notes
    ]


def _transition_entries(
    model: type[Lead] | type[Opportunity], object_key: str
) -> list[TimelineEntry]:
    logs = TransitionLog.objects.using(DB).filter(
        model=model._meta.label_lower, object_key=object_key
    )
    status = dict(model.Status.choices)
    return [
        TimelineEntry(
            kind="transition",
            at=log.created_at,
            actor=log.actor,
            title=f"{status.get(log.source_state, log.source_state)} → "
            f"{status.get(log.target_state, log.target_state)}",
            text=log.reason,
        )
        for log in logs
    ]


def _newest_first(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def lead_timeline(*, lead: Lead) -> list[TimelineEntry]:
    """The lead's notes and logged transitions, newest first."""
    return _newest_first(
        _note_entries(Note.objects.using(DB).filter(lead=lead))
        + _transition_entries(Lead, lead.transition_key)
    )


def opportunity_timeline(*, opportunity: Opportunity) -> list[TimelineEntry]:
    """The opportunity's notes (with those copied from its lead) and transitions, newest first."""
    return _newest_first(
        _note_entries(Note.objects.using(DB).filter(opportunity=opportunity))
        + _transition_entries(Opportunity, opportunity.transition_key)
    )


# --- for dual-write (SPEC §7): the records its maps read --------------------------------------


def account_get(*, account_number: str) -> Account | None:
    return Account.objects.using(DB).filter(account_number=account_number).first()


def contact_get(*, contact_number: str) -> Contact | None:
    return Contact.objects.using(DB).filter(contact_number=contact_number).first()


def leads_from_commerce(*, status: str) -> QuerySet[Lead]:
    """Leads of Commerce prospects in this status."""
    return Lead.objects.using(DB).filter(status=status).exclude(prospect_number=None)


def opportunities_from_commerce(*, statuses: list[str]) -> QuerySet[Opportunity]:
    """Opportunities of Commerce prospects in these statuses, with their account and contact."""
    return (
        Opportunity.objects.using(DB)
        .filter(status__in=statuses)
        .exclude(prospect_number="")
        .select_related("account", "contact")
    )
