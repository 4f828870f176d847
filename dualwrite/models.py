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
