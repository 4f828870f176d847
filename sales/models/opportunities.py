"""Opportunities and the records of their closing (SPEC §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.dates import validate_business_date
from core.models import single_line_field
from core.validators import validate_multiline

from .base import Pipeline, optional_link
from .leads import Lead
from .records import Account, Contact


class Opportunity(Pipeline):
    """A potential sale; winning the one from a B2B commerce lead approves the prospect."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    class StatusReason(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        ON_HOLD = "on_hold", _("On hold")
        WON = "won", _("Won")
        CANCELED = "canceled", _("Canceled")
        OUT_SOLD = "out_sold", _("Out-sold")

    OPEN_REASONS = (StatusReason.IN_PROGRESS, StatusReason.ON_HOLD)
    LOST_REASONS = (StatusReason.CANCELED, StatusReason.OUT_SOLD)

    opportunity_number = models.CharField(_("opportunity number"), max_length=20, unique=True)
    account = optional_link(Account, related_name="opportunities", verbose_name=_("account"))
    contact = optional_link(Contact, related_name="opportunities", verbose_name=_("contact"))
    originating_lead = models.OneToOneField(
        Lead,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunity",
        verbose_name=_("originating lead"),
    )
    status = FSMField(_("status"), choices=Status.choices, default=Status.OPEN, protected=True)
    status_reason = models.CharField(
        _("status reason"),
        max_length=32,
        choices=StatusReason.choices,
        default=StatusReason.IN_PROGRESS,
    )
    estimated_revenue = models.DecimalField(
        _("estimated revenue"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual_revenue = models.DecimalField(
        _("actual revenue"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    close_date = models.DateField(
        _("close date"), null=True, blank=True, validators=[validate_business_date]
    )
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[validate_multiline]
    )
    competitor = single_line_field(_("competitor"), 200, blank=True)
    prospect_number = models.CharField(
        _("prospect number"), max_length=20, blank=True, db_index=True
    )

    EDITABLE_FIELD_NAMES = ("topic", "status_reason", "estimated_revenue", "description")

    class Meta(Pipeline.Meta):
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["owner", "status"], name="sales_opp_owner_status")]

    def __str__(self) -> str:
        return f"{self.opportunity_number} {self.topic}"

    @property
    def transition_key(self) -> str:
        return self.opportunity_number

    @transition(field=status, source=Status.OPEN, target=Status.WON)
    def close_as_won(
        self, *, by: str, actual_revenue, close_date, description: str = "", reason: str = ""
    ) -> None:
        self.status_reason = self.StatusReason.WON
        self.actual_revenue = actual_revenue
        self.close_date = close_date
        self.description = description

    @transition(field=status, source=Status.OPEN, target=Status.LOST)
    def close_as_lost(
        self,
        *,
        by: str,
        status_reason: str,
        close_date,
        competitor: str = "",
        description: str = "",
        reason: str = "",
    ) -> None:
        self.status_reason = status_reason
        self.close_date = close_date
        self.competitor = competitor
        self.description = description


class OpportunityClose(models.Model):
    """The record of closing an opportunity (SPEC §4): outcome, figures, who and why."""

    class Outcome(models.TextChoices):
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="closes",
        verbose_name=_("opportunity"),
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    status_reason = models.CharField(
        _("status reason"), max_length=32, choices=Opportunity.StatusReason.choices
    )
    actual_revenue = models.DecimalField(
        _("actual revenue"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    close_date = models.DateField(_("close date"), validators=[validate_business_date])
    competitor = single_line_field(_("competitor"), 200, blank=True)
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[validate_multiline]
    )
    closed_by = models.CharField(_("closed by"), max_length=150)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opportunity close")
        verbose_name_plural = _("opportunity closes")

    def __str__(self) -> str:
        return f"{self.opportunity.opportunity_number} {self.get_outcome_display()}"
