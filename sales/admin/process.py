"""What the lead and opportunity pages show of where a sale stands: the process bar (Qualify →
Develop → Close) and the closing in words ("Won on 1 Dec 2026 · PLN 12,500.50")."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext, pgettext_lazy

from core.formatting import money
from sales.models import Lead, Opportunity

QUALIFY, DEVELOP, CLOSE = "qualify", "develop", "close"
# Stage names are nouns in a process bar; "Qualify" and "Close" are also buttons elsewhere.
STAGES = {
    QUALIFY: pgettext_lazy("sales process stage", "Qualify"),
    DEVELOP: pgettext_lazy("sales process stage", "Develop"),
    CLOSE: pgettext_lazy("sales process stage", "Close"),
}


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "upcoming"
    note: str = ""  # under the current step: where the record stands in it


@dataclass(frozen=True)
class ProcessBar:
    steps: list[Step]
    # How the current stage ended: "won" or "approved" (success), "lost" or "disqualified"
    # (stopped), "" while it goes on.
    outcome: str = ""

    @property
    def tone(self) -> str:
        """The current step's colour: "success", "stopped" or "" (under way)."""
        if self.outcome in ("won", "approved"):
            return "success"
        return "stopped" if self.outcome else ""


def _bar(current: str, note: str, outcome: str = "") -> ProcessBar:
    stages = list(STAGES)
    at = stages.index(current)
    steps = [
        Step(
            label=str(label),
            state="done" if index < at else "current" if index == at else "upcoming",
            note=note if index == at else "",
        )
        for index, label in enumerate(STAGES.values())
    ]
    return ProcessBar(steps=steps, outcome=outcome)


def closing_text(
    *,
    outcome: str,
    close_date: date | None,
    actual_revenue: Decimal | None = None,
    reason: str = "",
    competitor: str = "",
) -> str:
    """An opportunity's closing as people say it, date and money in the reader's locale."""
    when = formats.date_format(close_date) if close_date else ""
    if outcome == Opportunity.Status.WON:
        parts = [gettext("Won on %(date)s") % {"date": when}]
        parts.append(money(actual_revenue, settings.SALES_REVENUE_CURRENCY))
    else:
        parts = [gettext("Lost on %(date)s") % {"date": when}, reason]
        if competitor:
            parts.append(gettext("competitor: %(competitor)s") % {"competitor": competitor})
    return " · ".join(part for part in parts if part)


def opportunity_closing(opportunity: Opportunity) -> str:
    """A closed opportunity's closing in words; empty while it is open."""
    if opportunity.status == Opportunity.Status.OPEN:
        return ""
    return closing_text(
        outcome=opportunity.status,
        close_date=opportunity.close_date,
        actual_revenue=opportunity.actual_revenue,
        reason=opportunity.get_status_reason_display(),
        competitor=opportunity.competitor,
    )


def opportunity_process(opportunity: Opportunity) -> ProcessBar:
    """Open: developing, with its status reason; won or lost: closed, with the outcome."""
    if opportunity.status == Opportunity.Status.OPEN:
        return _bar(DEVELOP, opportunity.get_status_reason_display())
    return _bar(CLOSE, opportunity_closing(opportunity), outcome=opportunity.status)


def lead_process(lead: Lead) -> ProcessBar:
    """Open or disqualified: qualifying; qualified: where its opportunity stands."""
    if lead.status == Lead.Status.OPEN:
        return _bar(QUALIFY, lead.get_status_reason_display())
    if lead.status == Lead.Status.DISQUALIFIED:
        note = gettext("Disqualified: %(reason)s") % {"reason": lead.get_status_reason_display()}
        return _bar(QUALIFY, note, outcome="disqualified")
    opportunity = getattr(lead, "opportunity", None)
    if opportunity is not None:
        return opportunity_process(opportunity)
    if lead.status_reason == Lead.StatusReason.DECIDED_IN_COMMERCE:
        return _bar(CLOSE, gettext("Approved in Commerce"), outcome="approved")
    return _bar(QUALIFY, gettext("Qualified without an opportunity"), outcome="approved")
