import uuid
from decimal import Decimal

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.currencies import validate_currency
from core.fields import CountryField, EmailAddressField, WebsiteField
from core.models import NumberSequence as NumberSequenceBase
from core.models import PartyFields, single_line_field
from core.models import TransitionLog as TransitionLogBase
from core.outboxed import ChangeTracking, OutboxedQuerySet


class TransitionLog(TransitionLogBase):
    pass


class NumberSequence(NumberSequenceBase):
    """Number sequences for business keys (prospects, customers, hierarchies)."""


class JobRun(models.Model):
    """One run of a job (SPEC §6); a P-0001 run is the upload session."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Succeeded with row errors")
        FAILED = "failed", _("Failed")
        # Its process died (SIGKILL, a restart) while it ran; see jobs.job_runs_interrupted_close.
        INTERRUPTED = "interrupted", _("Interrupted")

    job = models.CharField(_("job"), max_length=64, db_index=True)
    trigger = models.CharField(_("trigger"), max_length=16, default="hand")
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Touched once per batch, so that a run whose process died can be told from a long one.
    last_seen_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.RUNNING
    )
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        # Every run looks for its job's runs still marked running (jobs.job_runs_interrupted_close):
        # a handful of rows, however long the history of finished runs grows.
        indexes = [
            models.Index(
                fields=["job"],
                condition=models.Q(outcome="running"),
                name="commerce_jobrun_running",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ChannelRequest(FSMModelMixin, models.Model):
    """A channel request staged in HQ by P-0001, waiting for the sync job."""

    class Type(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding request")
        PARTNER_USER = "partner_user", _("Partner user request")

    class State(models.TextChoices):
        NEW = "new", _("New")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")

    transition_log_model = "commerce.TransitionLog"

    request_id = models.UUIDField(unique=True)
    request_type = models.CharField(max_length=16, choices=Type.choices)
    email = EmailAddressField(db_index=True)
    payload = models.JSONField()
    state = FSMField(choices=State.choices, default=State.NEW, protected=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    upload_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL)
    staged_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-staged_at", "-id"]
        indexes = [models.Index(fields=["state", "id"], name="commerce_staged_state")]

    def __str__(self) -> str:
        return f"{self.get_request_type_display()} {self.request_id}"

    @property
    def transition_key(self) -> str:
        return str(self.request_id)

    @transition(field=state, source=State.NEW, target=State.PROCESSED)
    def mark_processed(self, *, by: str, reason: str = "") -> None:
        self.error = ""

    @transition(field=state, source=State.NEW, target=State.FAILED)
    def mark_failed(self, *, by: str, reason: str) -> None:
        self.error = reason

    @transition(field=state, source=State.FAILED, target=State.NEW)
    def retry(self, *, by: str, reason: str = "") -> None:
        """A failed row goes back to the queue of the sync job."""


class Prospect(FSMModelMixin, ChangeTracking, PartyFields):
    """A would-be business partner, decided in HQ or, with the integration on, in Sales."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    transition_log_model = "commerce.TransitionLog"

    prospect_number = models.CharField(_("prospect number"), max_length=20, unique=True)
    prospect_type = models.CharField(_("type"), max_length=32, default="B2B prospect")
    status = FSMField(_("status"), choices=Status.choices, default=Status.NEW, protected=True)
    status_reason = models.TextField(_("status reason"), blank=True)
    channel = models.CharField(_("channel"), max_length=64, default="B2B site")
    request_id = models.UUIDField(_("request reference"), unique=True, null=True, blank=True)
    organization_customer = models.CharField(_("organization customer"), max_length=20, blank=True)
    person_customer = models.CharField(_("person customer"), max_length=20, blank=True)
    customer_hierarchy = models.CharField(_("customer hierarchy"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    # The category of a rejection (a lead or opportunity reason, or "hq"): it picks the
    # customer-facing line of the decline email; `status_reason` stays internal to HQ.
    reason_category = models.CharField(_("reason category"), max_length=32, blank=True)
    # Business keys of the Sales records that decided it (SPEC §7 "each side links").
    sales_lead = models.CharField(_("Sales lead"), max_length=20, blank=True)
    sales_opportunity = models.CharField(_("Sales opportunity"), max_length=20, blank=True)
    # A Sales decision that could not be applied here (SPEC §7); cleared once one is applied.
    sync_error = models.TextField(_("dual-write error"), blank=True)

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="commerce_prospect_status"),
            # Open requests are found by email case-insensitively (UPPER(email) = UPPER(%s)).
            models.Index(Upper("email"), "status", name="commerce_prospect_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_number} {self.company_name}"

    @property
    def transition_key(self) -> str:
        return self.prospect_number

    @transition(field=status, source=Status.NEW, target=Status.APPROVED)
    def approve(self, *, by: str, reason: str = "") -> None:
        self.decided_by = by

    @transition(field=status, source=Status.NEW, target=Status.REJECTED)
    def reject(self, *, by: str, reason: str, category: str = "") -> None:
        self.decided_by = by
        self.status_reason = reason
        self.reason_category = category

    @transition(field=status, source=Status.REJECTED, target=Status.NEW)
    def reopen(self, *, by: str, reason: str = "") -> None:
        """Sales reactivated the lead whose disqualification rejected this prospect (§4)."""
        self.decided_by = ""
        self.decided_at = None
        self.status_reason = ""
        self.reason_category = ""


class Customer(ChangeTracking, models.Model):
    class PartyType(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        PERSON = "person", _("Person")

    class CreditLimitType(models.TextChoices):
        NONE = "none", _("None")
        BALANCE = "balance", _("Balance")

    account_number = models.CharField(_("account number"), max_length=20, unique=True)
    party_type = models.CharField(_("party type"), max_length=16, choices=PartyType.choices)
    name = single_line_field(_("name"), 200)
    first_name = single_line_field(_("first name"), 80, blank=True)
    last_name = single_line_field(_("last name"), 80, blank=True)
    email = EmailAddressField(_("email"), blank=True)
    phone = single_line_field(_("phone"), 32, blank=True)
    job_title = single_line_field(_("job title"), 120, blank=True)
    street = single_line_field(_("street"), 200, blank=True)
    city = single_line_field(_("city"), 100, blank=True)
    state = single_line_field(_("state or region"), 100, blank=True)
    postal_code = single_line_field(_("postal code"), 20, blank=True)
    country = CountryField(_("country"), blank=True)
    tax_id = single_line_field(_("tax ID"), 40, blank=True)
    website = WebsiteField(_("website"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=14, decimal_places=2, default=0
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[validate_currency],
    )
    credit_limit_type = models.CharField(
        _("credit limit type"),
        max_length=8,
        choices=CreditLimitType.choices,
        default=CreditLimitType.NONE,
    )
    # The open balance; orders maintain it once the site takes them.
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=0)
    blocked = models.BooleanField(_("blocked"), default=False)
    prospect_number = models.CharField(_("prospect"), max_length=20, blank=True, db_index=True)
    # Goes up with every saved change; dual-write compares it to detect conflicting edits.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["account_number"]

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def available_credit(self) -> Decimal | None:
        """Credit left before the limit; None when no limit is checked."""
        if self.credit_limit_type != self.CreditLimitType.BALANCE:
            return None
        return self.credit_limit - self.balance


class CustomerHierarchy(models.Model):
    hierarchy_id = models.CharField(_("hierarchy ID"), max_length=20, unique=True)
    name = single_line_field(_("name"), 200)
    purpose = models.CharField(_("purpose"), max_length=64, default="B2B organization")
    organization = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="hierarchies",
        verbose_name=_("organization"),
    )
    prospect_number = models.CharField(_("prospect"), max_length=20, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["hierarchy_id"]
        verbose_name_plural = _("customer hierarchies")

    def __str__(self) -> str:
        return f"{self.hierarchy_id} {self.name}"


class HierarchyMember(FSMModelMixin, models.Model):
    """A partner user: a person customer in an organization's hierarchy (SPEC §4, §8)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        USER = "user", _("User")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")

    transition_log_model = "commerce.TransitionLog"

    hierarchy = models.ForeignKey(
        CustomerHierarchy, on_delete=models.CASCADE, related_name="members"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.USER)
    spending_limit = models.DecimalField(
        _("spending limit"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = FSMField(_("status"), choices=Status.choices, default=Status.PENDING, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hierarchy", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hierarchy", "customer"], name="commerce_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} ({self.get_role_display()})"

    @property
    def transition_key(self) -> str:
        return f"{self.hierarchy.hierarchy_id}/{self.customer.account_number}"

    @transition(field=status, source=Status.PENDING, target=Status.ACTIVE)
    def activate(self, *, by: str, reason: str = "") -> None:
        """Set by job 1010 once the member reaches the B2B site."""

    @transition(field=status, source=[Status.PENDING, Status.ACTIVE], target=Status.REMOVED)
    def remove(self, *, by: str, reason: str = "") -> None:
        """Takes the user out of the hierarchy and out of the site."""


class Invitation(models.Model):
    """A single-use, expiring link to set a password on the B2B site (SPEC §8)."""

    token_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invitations")
    hierarchy = models.ForeignKey(CustomerHierarchy, on_delete=models.CASCADE)
    email = EmailAddressField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer link is issued or the member is removed: the link no longer works.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class EmailNotification(models.Model):
    """An email queued in HQ in the transaction of its event, sent by a task (SPEC §9)."""

    class Type(models.TextChoices):
        ONBOARDING_REQUEST_RECEIVED = (
            "onboarding_request_received",
            _("Onboarding request received"),
        )
        PROSPECT_APPROVED = "prospect_approved", _("B2B prospect approved")
        PROSPECT_REJECTED = "prospect_rejected", _("B2B prospect rejected")
        PARTNER_USER_INVITED = "partner_user_invited", _("Partner user invited")
        PARTNER_USER_JOINED = "partner_user_joined", _("Partner user joined")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=40, choices=Type.choices)
    # One notification per event: the key makes a retried or repeated event queue nothing.
    event_key = models.CharField(_("event"), max_length=120, unique=True)
    recipient = EmailAddressField(_("recipient"), db_index=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=255)
    # The template context; the bodies are rendered from it when the email is first sent.
    context = models.JSONField(_("context"), default=dict, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="commerce_email_due")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} → {self.recipient}"


class AuditEntry(models.Model):
    """One changed field of an HQ record: who changed it, when, old → new (as text)."""

    actor = models.CharField(_("who"), max_length=150)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    model = models.CharField(_("record type"), max_length=100)
    object_key = models.CharField(_("key"), max_length=100, db_index=True)
    field = models.CharField(_("field"), max_length=64)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.object_key}.{self.field}: {self.old_value} → {self.new_value}"


class DeclineMessage(models.Model):
    """The customer-facing line of a decline email for one reason category and language.

    Edited by the back office; the CRM's internal reason, a competitor or a rep's notes never
    reach the customer (SPEC §9). A category without a line of its own uses "generic".
    """

    class Category(models.TextChoices):
        GENERIC = "generic", _("Any other reason")
        LOST = "lost", _("Lead: lost")
        CANNOT_CONTACT = "cannot_contact", _("Lead: cannot contact")
        NO_LONGER_INTERESTED = "no_longer_interested", _("Lead: no longer interested")
        CANCELED = "canceled", _("Lead: canceled")
        OPPORTUNITY_CANCELED = "opportunity_canceled", _("Opportunity: canceled")
        OUT_SOLD = "out_sold", _("Opportunity: out-sold")
        HQ = "hq", _("Rejected in HQ")

    category = models.CharField(_("reason category"), max_length=32, choices=Category.choices)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("customer-facing message"), max_length=1000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)

    class Meta:
        ordering = ["category", "language"]
        verbose_name = _("decline message")
        verbose_name_plural = _("decline messages")
        constraints = [
            models.UniqueConstraint(fields=["category", "language"], name="commerce_decline_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.language})"
