import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A change another system must learn of, written in the transaction of the change.

    The table exists in every system database (channel, commerce, sales): a row always sits
    beside the data it describes, so the two commit or roll back together (SPEC §7).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # Still to be delivered: new, or failed and waiting for its retry.
    UNDELIVERED = (State.PENDING, State.FAILED)

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    map = models.CharField(_("map"), max_length=64)
    record_key = models.CharField(_("record"), max_length=100)
    event = models.CharField(_("event"), max_length=32)
    payload = models.JSONField(_("payload"))
    version = models.PositiveIntegerField(_("version"), default=1)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "id"], name="dualwrite_outbox_state"),
            models.Index(fields=["map", "record_key", "id"], name="dualwrite_outbox_record"),
        ]

    def __str__(self) -> str:
        return f"{self.map} {self.record_key} {self.event} ({self.state})"


class InboxMessage(models.Model):
    """A message applied on this side; its unique id makes a second delivery a no-op."""

    message_id = models.UUIDField(primary_key=True)
    map = models.CharField(max_length=64)
    record_key = models.CharField(max_length=100)
    applied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.map} {self.record_key} {self.message_id}"


class MapState(models.Model):
    """A table map's run state and counters, kept in `default` (SPEC §7, map registry)."""

    class State(models.TextChoices):
        NOT_RUNNING = "not_running", _("Not running")
        INITIALIZING = "initializing", _("Initializing")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")

    code = models.CharField(_("map"), max_length=64, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NOT_RUNNING
    )
    delivered_count = models.PositiveBigIntegerField(_("delivered"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # Alert rule: this many failed deliveries within this many minutes pause the map.
    alert_errors = models.PositiveIntegerField(_("alert after errors"), default=5)
    alert_minutes = models.PositiveIntegerField(_("within minutes"), default=10)
    recent_failures = models.JSONField(default=list, blank=True)
    alert_raised_at = models.DateTimeField(_("alert raised"), null=True, blank=True)
    initial_sync_total = models.PositiveIntegerField(default=0)
    initial_sync_done = models.PositiveIntegerField(default=0)
    # Where a crashed initial sync resumes: {"step": index, "after": last primary key}.
    initial_sync_cursor = models.JSONField(default=dict, blank=True)
    initial_sync_started_at = models.DateTimeField(_("initial sync started"), null=True, blank=True)
    initial_sync_finished_at = models.DateTimeField(
        _("initial sync finished"), null=True, blank=True
    )
    # Overrides the map's declared conflict rule when set.
    conflict_rule = models.CharField(
        _("conflict rule"),
        max_length=16,
        blank=True,
        choices=[
            ("commerce", _("Commerce wins")),
            ("sales", _("Sales wins")),
            ("newest", _("Newest change wins")),
        ],
    )
    changed_at = models.DateTimeField(_("state changed"), auto_now=True)
    changed_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("table map")
        verbose_name_plural = _("table maps")

    def __str__(self) -> str:
        return f"{self.code} ({self.get_state_display()})"

    @property
    def initial_sync_percent(self) -> int:
        if not self.initial_sync_total:
            return 100 if self.initial_sync_finished_at else 0
        return min(100, round(100 * self.initial_sync_done / self.initial_sync_total))


class DeliveryError(models.Model):
    """The error log: one row per failing message, kept until it is delivered or skipped."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        SKIPPED = "skipped", _("Skipped")

    message_id = models.UUIDField(_("message ID"), unique=True)
    map = models.CharField(_("map"), max_length=64, db_index=True)
    source = models.CharField(_("source database"), max_length=16)
    record_key = models.CharField(_("record"), max_length=100)
    event = models.CharField(_("event"), max_length=32)
    payload = models.JSONField(_("payload"))
    error = models.TextField(_("error"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.CharField(_("resolved by"), max_length=150, blank=True)
    first_failed_at = models.DateTimeField(_("first failed"), auto_now_add=True)
    last_failed_at = models.DateTimeField(_("last failed"))

    class Meta:
        ordering = ["-last_failed_at", "-id"]
        verbose_name = _("delivery error")
        verbose_name_plural = _("delivery errors")
        indexes = [models.Index(fields=["state", "map"], name="dualwrite_error_state")]

    def __str__(self) -> str:
        return f"{self.map} {self.record_key}: {self.error[:60]}"


class ConflictEntry(models.Model):
    """One mapped field changed on both sides between syncs; the map's rule chose the winner.

    `participants` names, per side, the last message id that took part: messages up to it
    carry the conflict's values and follow its winner when they arrive, so one conflict is one
    entry, whichever side sees it first.
    """

    map = models.CharField(_("map"), max_length=64, db_index=True)
    record_key = models.CharField(_("record"), max_length=100, db_index=True)
    field = models.CharField(_("field"), max_length=64, default="")
    rule = models.CharField(_("rule"), max_length=32)
    winner = models.CharField(_("winner"), max_length=16)
    incoming_side = models.CharField(_("incoming from"), max_length=16)
    incoming_value = models.JSONField(_("incoming value"), null=True)
    local_value = models.JSONField(_("value on the target"), null=True)
    resolved_value = models.JSONField(_("resolved value"), null=True)
    participants = models.JSONField(default=dict)  # {database alias: last message id}
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        indexes = [models.Index(fields=["map", "record_key", "field"], name="dualwrite_conflict_f")]

    def __str__(self) -> str:
        return f"{self.map} {self.record_key}.{self.field}: {self.winner} won"
