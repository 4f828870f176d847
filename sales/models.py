"""Sales (CRM): leads, accounts, contacts, opportunities and their timeline (SPEC §4, §5)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.dates import validate_business_date
from core.fields import CountryField, EmailAddressField, WebsiteField
from core.models import NumberSequence as NumberSequenceBase
from core.models import PartyFields, single_line_field
from core.models import TransitionLog as TransitionLogBase
from core.outboxed import ChangeTracking, OutboxedQuerySet
from core.validators import validate_multiline, validate_phone

from .matching import company_name_key


class TransitionLog(TransitionLogBase):
    pass


class NumberSequence(NumberSequenceBase):
    """Number sequences for the Sales business keys (accounts, contacts, opportunities)."""


class AddressFields(models.Model):
    street = single_line_field(_("street"), 200, blank=True)
    city = single_line_field(_("city"), 100, blank=True)
    state = single_line_field(_("state or region"), 100, blank=True)
    postal_code = single_line_field(_("postal code"), 20, blank=True)
    country = CountryField(_("country"), blank=True)

    ADDRESS_FIELD_NAMES = ("street", "city", "state", "postal_code", "country")

    class Meta:
        abstract = True


class Account(ChangeTracking, AddressFields):
    """A company; mirrored to Commerce as an organization customer, keyed by account number."""

    account_number = models.CharField(_("account number"), max_length=20, unique=True)
    name = single_line_field(_("name"), 200)
    email = EmailAddressField(_("email"), blank=True)
    phone = single_line_field(_("phone"), 32, validators=[validate_phone], blank=True)
    website = WebsiteField(_("website"), blank=True)
    tax_id = single_line_field(_("tax ID"), 40, blank=True)
    prospect_number = models.CharField(
        _("prospect number"), max_length=20, blank=True, db_index=True
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    # Folded name (matching.company_name_key), so duplicate checks are one indexed equality.
    company_name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    EDITABLE_FIELD_NAMES = (
        "name",
        "email",
        "phone",
        "website",
        "tax_id",
        "language",
        *AddressFields.ADDRESS_FIELD_NAMES,
    )

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "account_number"]

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.company_name_key = company_name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "company_name_key"}
        super().save(*args, **kwargs)


class Contact(ChangeTracking, AddressFields):
    """A person; mirrored to Commerce as a person customer, keyed by contact number."""

    contact_number = models.CharField(_("contact number"), max_length=20, unique=True)
    first_name = single_line_field(_("first name"), 80, blank=True)
    last_name = single_line_field(_("last name"), 80)
    email = EmailAddressField(_("email"), blank=True)
    phone = single_line_field(_("phone"), 32, validators=[validate_phone], blank=True)
    job_title = single_line_field(_("job title"), 120, blank=True)
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("account"),
    )
    prospect_number = models.CharField(
        _("prospect number"), max_length=20, blank=True, db_index=True
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    EDITABLE_FIELD_NAMES = (
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "language",
        *AddressFields.ADDRESS_FIELD_NAMES,
    )

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "contact_number"]

    def __str__(self) -> str:
        return f"{self.contact_number} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _no_opportunity_comes_from(lead: models.Model) -> bool:
    """The condition of Lead.disqualify (SPEC §4)."""
    return not Opportunity.objects.using(lead._state.db).filter(originating_lead=lead.pk).exists()


class Lead(FSMModelMixin, ChangeTracking, PartyFields):
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

    transition_log_model = "sales.TransitionLog"

    topic = single_line_field(_("topic"), 200)
    status = FSMField(_("status"), choices=Status.choices, default=Status.OPEN, protected=True)
    status_reason = models.CharField(
        _("status reason"),
        max_length=32,
        choices=StatusReason.choices,
        default=StatusReason.NEW,
    )
    # Users live in `default`; a username keeps the Sales database self-contained.
    owner = models.CharField(_("owner"), max_length=150, db_index=True)
    lead_source = models.CharField(
        _("lead source"), max_length=16, choices=Source.choices, default=Source.OTHER
    )
    prospect_number = models.CharField(
        _("prospect number"), max_length=20, unique=True, null=True, blank=True
    )
    created_by_integration = models.BooleanField(_("created by integration"), default=False)
    # A decision of this lead that Commerce could not apply (SPEC §7); cleared once applied.
    sync_error = models.TextField(_("dual-write error"), blank=True, editable=False)
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("contact"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    EDITABLE_FIELD_NAMES = ("topic", "status_reason", *PartyFields.PARTY_FIELD_NAMES)

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
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


class Opportunity(FSMModelMixin, ChangeTracking, models.Model):
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

    transition_log_model = "sales.TransitionLog"

    opportunity_number = models.CharField(_("opportunity number"), max_length=20, unique=True)
    topic = single_line_field(_("topic"), 200)
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("contact"),
    )
    originating_lead = models.OneToOneField(
        Lead,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunity",
        verbose_name=_("originating lead"),
    )
    owner = models.CharField(_("owner"), max_length=150, db_index=True)
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
    # A decision of this opportunity that Commerce could not apply (SPEC §7).
    sync_error = models.TextField(_("dual-write error"), blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    EDITABLE_FIELD_NAMES = ("topic", "status_reason", "estimated_revenue", "description")

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
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

    def __str__(self) -> str:
        return f"{self.opportunity.opportunity_number} {self.get_outcome_display()}"


class Note(models.Model):
    """A timeline note on a lead, opportunity, account or contact."""

    text = models.TextField(_("text"), max_length=5000, validators=[validate_multiline])
    author = models.CharField(_("author"), max_length=150)
    # Not auto_now_add: notes copied to an opportunity on qualify keep their original time.
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"
