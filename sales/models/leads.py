"""Leads: would-be customers, from reps or from Commerce prospects (SPEC §3, §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import PARTY_FIELD_NAMES, PartyFields

from .base import Pipeline, optional_link
from .records import Account, Contact


def _no_opportunity_comes_from(lead: models.Model) -> bool:
    """The condition of Lead.disqualify (SPEC §4)."""
    from .opportunities import Opportunity  # it refers to Lead: imported when first needed

    return not Opportunity.objects.using(lead._state.db).filter(originating_lead=lead.pk).exists()


class Lead(Pipeline, PartyFields):
    """A would-be customer: the requester (Contact section) and the organization (Company)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        QUALIFIED = "qualified", _("Qualified")
        DISQUALIFIED = "disqualified", _("Disqualified")

    class StatusReason(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        QUALIFIED = "qualified", _("Qualified")
        LOST = "lost", _("Lost")
        CANNOT_CONTACT = "cannot_contact", _("Cannot contact")
        NO_LONGER_INTERESTED = "no_longer_interested", _("No longer interested")
        CANCELED = "canceled", _("Canceled")
        # The prospect was approved or rejected in HQ while the integration was off (§3.9).
        DECIDED_IN_COMMERCE = "decided_in_commerce", _("Decided in Commerce")

    OPEN_REASONS = (StatusReason.NEW, StatusReason.CONTACTED)
    DISQUALIFY_REASONS = (
        StatusReason.LOST,
        StatusReason.CANNOT_CONTACT,
        StatusReason.NO_LONGER_INTERESTED,
        StatusReason.CANCELED,
    )

    class Source(models.TextChoices):
        B2B_COMMERCE = "b2b_commerce", _("B2B commerce")
        WEB = "web", _("Web")
        REFERRAL = "referral", _("Referral")
        OTHER = "other", _("Other")

    status = FSMField(_("status"), choices=Status.choices, default=Status.OPEN, protected=True)
    status_reason = models.CharField(
        _("status reason"),
        max_length=32,
        choices=StatusReason.choices,
        default=StatusReason.NEW,
    )
    lead_source = models.CharField(
        _("lead source"), max_length=16, choices=Source.choices, default=Source.OTHER
    )
    prospect_number = models.CharField(
        _("prospect number"), max_length=20, unique=True, null=True, blank=True
    )
    created_by_integration = models.BooleanField(_("created by integration"), default=False)
    account = optional_link(Account, related_name="leads", verbose_name=_("account"))
    contact = optional_link(Contact, related_name="leads", verbose_name=_("contact"))

    EDITABLE_FIELD_NAMES = ("topic", "status_reason", *PARTY_FIELD_NAMES)

    class Meta(Pipeline.Meta):
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["owner", "status"], name="sales_lead_owner_status"),
            models.Index(fields=["lead_source", "-created_at"], name="sales_lead_source"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.company_name})"

    @property
    def transition_key(self) -> str:
        return str(self.pk)

    @transition(field=status, source=Status.OPEN, target=Status.QUALIFIED)
    def qualify(self, *, by: str, reason: str = "") -> None:
        self.status_reason = self.StatusReason.QUALIFIED

    @transition(
        field=status,
        source=Status.OPEN,
        target=Status.DISQUALIFIED,
        conditions=[_no_opportunity_comes_from],
    )
    def disqualify(self, *, by: str, status_reason: str, reason: str = "") -> None:
        self.status_reason = status_reason

    @transition(field=status, source=Status.DISQUALIFIED, target=Status.OPEN)
    def reactivate(self, *, by: str, reason: str = "") -> None:
        self.status_reason = self.StatusReason.NEW

    @transition(field=status, source=Status.OPEN, target=Status.QUALIFIED)
    def close_approved_in_commerce(self, *, by: str, reason: str = "") -> None:
        self.status_reason = self.StatusReason.DECIDED_IN_COMMERCE

    @transition(field=status, source=Status.OPEN, target=Status.DISQUALIFIED)
    def close_rejected_in_commerce(self, *, by: str, reason: str = "") -> None:
        self.status_reason = self.StatusReason.DECIDED_IN_COMMERCE
