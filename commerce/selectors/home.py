"""The figures of HQ's home page: what waits for the back office, and the last days' sign-ups
and decisions, counted per day in the database."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import EmailNotification, Prospect

DB = "commerce"


@dataclass(frozen=True)
class ProspectDay:
    day: date
    signups: int
    approved: int
    rejected: int


def prospects_waiting_count() -> int:
    return Prospect.objects.using(DB).filter(status=Prospect.Status.NEW).count()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def prospect_decisions_since(*, since: datetime) -> dict[str, int]:
    """Approved and rejected prospects decided since `since`, by status, in one query."""
    counts = dict(
        Prospect.objects.using(DB)
        .filter(
            decided_at__gte=since, status__in=[Prospect.Status.APPROVED, Prospect.Status.REJECTED]
        )
        .order_by()
        .values_list("status")
        .annotate(Count("id"))
    )
    return {
        status: counts.get(status, 0)
        for status in (Prospect.Status.APPROVED, Prospect.Status.REJECTED)
    }


def prospect_decisions_today() -> dict[str, int]:
    return prospect_decisions_since(since=_day_start(timezone.localdate()))


def email_failed_count() -> int:
    return (
        EmailNotification.objects.using(DB).filter(status=EmailNotification.Status.FAILED).count()
    )


def prospect_days(*, days: int) -> list[ProspectDay]:
    """Sign-ups, approvals and rejections of each of the last `days` days (today included), in
    the current time zone: two grouped queries, whatever the number of prospects."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    since = _day_start(first)
    tz = timezone.get_current_timezone()
    signups = dict(
        Prospect.objects.using(DB)
        .filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values_list("day")
        .annotate(Count("id"))
    )
    decisions: dict[tuple[date, str], int] = {
        (day, status): count
        for day, status, count in Prospect.objects.using(DB)
        .filter(
            decided_at__gte=since, status__in=[Prospect.Status.APPROVED, Prospect.Status.REJECTED]
        )
        .annotate(day=TruncDate("decided_at", tzinfo=tz))
        .order_by()
        .values_list("day", "status")
        .annotate(Count("id"))
    }
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        result.append(
            ProspectDay(
                day=day,
                signups=signups.get(day, 0),
                approved=decisions.get((day, Prospect.Status.APPROVED), 0),
                rejected=decisions.get((day, Prospect.Status.REJECTED), 0),
            )
        )
    return result


def prospect_decision_median(*, since: datetime) -> timedelta | None:
    """The median time from sign-up to decision of the prospects decided since `since`, or None
    when none was. The database orders the durations; only the middle one or two are read."""
    decided = (
        Prospect.objects.using(DB)
        .filter(
            decided_at__gte=since, status__in=[Prospect.Status.APPROVED, Prospect.Status.REJECTED]
        )
        .annotate(
            waited=ExpressionWrapper(
                F("decided_at") - F("created_at"), output_field=DurationField()
            )
        )
    )
    count = decided.count()
    if not count:
        return None
    middle = (count - 1) // 2
    waits = list(
        decided.order_by("waited").values_list("waited", flat=True)[middle : count // 2 + 1]
    )
    return sum(waits, timedelta()) / len(waits)
