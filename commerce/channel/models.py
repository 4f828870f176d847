import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.models import PartyFields
from core.models import TransitionLog as TransitionLogBase


class TransitionLog(TransitionLogBase):
    pass


class OnboardingRequest(FSMModelMixin, PartyFields):
    """A company's request to become a business partner, as submitted on the B2B site."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UPLOADED = "uploaded", _("Uploaded to HQ")

    transition_log_model = "channel.TransitionLog"

    request_id = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    status = FSMField(_("status"), choices=Status.choices, default=Status.RECEIVED, protected=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "id"], name="channel_request_status"),
            models.Index(fields=["email"], name="channel_request_email"),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.request_id})"

    @property
    def transition_key(self) -> str:
        return str(self.request_id)

    @transition(field=status, source=Status.RECEIVED, target=Status.UPLOADED)
    def mark_uploaded(self, *, by: str, reason: str = "") -> None:
        """Recorded by job P-0001 once the request is staged in HQ."""
