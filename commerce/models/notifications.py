"""Emails queued in HQ (SPEC §9) and the customer-facing lines of decline emails."""

import uuid

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from core.fields import EmailAddressField


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
        ORDER_PLACED = "order_placed", _("Order placed")
        ORDER_APPROVAL_REQUESTED = "order_approval_requested", _("Order awaiting approval")
        ORDER_DECLINED = "order_declined", _("Order declined")
        ORDER_CONFIRMED = "order_confirmed", _("Order confirmed")
        ORDER_CANCELLED = "order_cancelled", _("Order cancelled")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification_id = models.UUIDField(
        _("notification ID"), default=uuid.uuid4, unique=True, editable=False
    )
    type = models.CharField(_("type"), max_length=40, choices=Type.choices)
    # One notification per event: the key makes a retried or repeated event queue nothing.
    event_key = models.CharField(_("event"), max_length=120)
    recipient = EmailAddressField(_("recipient"))
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
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        # Declared here rather than on the fields: a field's own index on PostgreSQL comes with
        # a second one for LIKE (varchar_pattern_ops) that no query uses, and every queued
        # email wrote both. The recipient is looked up case-insensitively (iexact).
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="commerce_email_due"),
            models.Index(Upper("recipient"), name="commerce_email_recipient_ci"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event_key"], name="commerce_email_one_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} → {self.recipient}"


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
