"""What the B2B site stores of its own: sign-ups, partner users and their requests to HQ."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.fields import EmailAddressField
from core.models import PartyFields
from core.models import TransitionLog as TransitionLogBase
from core.validators import validate_single_line

from .copies import ChannelHierarchyMember


class TransitionLog(TransitionLogBase):
    pass


class OnboardingRequest(FSMModelMixin, PartyFields):
    """A company's request to become a business partner, as submitted on the B2B site."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UPLOADED = "uploaded", _("Uploaded to HQ")
        # Only set by migration 0005, on requests sent twice at once before the database
        # refused it; kept for the record, never uploaded (the first one was).
        DUPLICATE = "duplicate", _("Duplicate of an open request")

    transition_log_model = "channel.TransitionLog"

    request_id = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    status = FSMField(_("status"), choices=Status.choices, default=Status.RECEIVED, protected=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "id"], name="channel_request_status")]
        constraints = [
            # One open request per person (SPEC §11), whatever arrives at once. The email is
            # stored normalized (core.identity), so equality here is identity.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(status="received"),
                name="channel_request_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.request_id})"

    @property
    def transition_key(self) -> str:
        return str(self.request_id)

    @transition(field=status, source=Status.RECEIVED, target=Status.UPLOADED)
    def mark_uploaded(self, *, by: str, reason: str = "") -> None:
        """Recorded by job P-0001 once the request is staged in HQ."""


class PartnerUser(models.Model):
    """Ties a Django user (in `default`) to its person customer and hierarchy by business keys."""

    user_id = models.PositiveBigIntegerField(unique=True)
    account_number = models.CharField(_("account number"), max_length=20)
    hierarchy_id = models.CharField(_("hierarchy ID"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["hierarchy_id", "account_number"], name="channel_partner_key")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} → {self.hierarchy_id}/{self.account_number}"


class PartnerUserRequest(FSMModelMixin, models.Model):
    """An admin's add, change or removal of a partner user, carried to HQ by the jobs (SPEC §6).

    Values are complete (not a diff), so HQ applies the state the admin saw and submitted.
    """

    class Action(models.TextChoices):
        ADD = "add", _("Add")
        CHANGE = "change", _("Change")
        REMOVE = "remove", _("Remove")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UPLOADED = "uploaded", _("Uploaded to HQ")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    OPEN_STATUSES = (Status.RECEIVED, Status.UPLOADED)
    REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
        Action.ADD: ("first_name", "last_name", "email", "role", "language"),
        Action.CHANGE: ("first_name", "last_name", "role"),
    }

    transition_log_model = "channel.TransitionLog"

    request_id = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    hierarchy_id = models.CharField(_("hierarchy ID"), max_length=20)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    account_number = models.CharField(_("account number"), max_length=20, blank=True)
    first_name = models.CharField(
        _("first name"), max_length=80, blank=True, validators=[validate_single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=80, blank=True, validators=[validate_single_line]
    )
    # The email becomes the user's sign-in name, which Django limits to 150 characters.
    email = EmailAddressField(_("email"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=8, choices=ChannelHierarchyMember.Role.choices, blank=True
    )
    spending_limit = models.DecimalField(
        _("spending limit"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                0, message=_("Enter a spending limit of 0 or more, or leave it empty.")
            )
        ],
    )
    monthly_spending_limit = models.DecimalField(
        _("monthly spending limit"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                0, message=_("Enter a spending limit of 0 or more, or leave it empty.")
            )
        ],
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150)
    status = FSMField(_("status"), choices=Status.choices, default=Status.RECEIVED, protected=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "id"], name="channel_partner_request_status"),
            models.Index(
                fields=["hierarchy_id", "account_number"], name="channel_partner_request_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.account_number or self.email} ({self.status})"

    @property
    def transition_key(self) -> str:
        return str(self.request_id)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self) -> None:
        errors = {
            name: _("This field is required.")
            for name in self.REQUIRED_FIELDS.get(self.action, ())
            if not str(getattr(self, name)).strip()
        }
        if self.language and self.language not in dict(settings.LANGUAGES):
            errors["language"] = _("Choose one of the site's languages.")
        if errors:
            raise ValidationError(errors)

    def payload(self) -> dict:
        """What P-0001 stages in HQ for the sync job."""
        return {
            "action": self.action,
            "hierarchy_id": self.hierarchy_id,
            "account_number": self.account_number,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "role": self.role,
            "spending_limit": None if self.spending_limit is None else str(self.spending_limit),
            "monthly_spending_limit": (
                None if self.monthly_spending_limit is None else str(self.monthly_spending_limit)
            ),
            "language": self.language,
            "requested_by": self.requested_by,
        }

    @transition(field=status, source=Status.RECEIVED, target=Status.UPLOADED)
    def mark_uploaded(self, *, by: str, reason: str = "") -> None:
        """Recorded by job P-0001 once the request is staged in HQ."""

    @transition(field=status, source=[Status.UPLOADED, Status.FAILED], target=Status.APPLIED)
    def mark_applied(self, *, by: str, reason: str = "") -> None:
        """Recorded by job 1010 once HQ has applied it and the copies show the result."""
        self.error = ""

    @transition(field=status, source=Status.UPLOADED, target=Status.FAILED)
    def mark_failed(self, *, by: str, reason: str) -> None:
        """HQ refused it; HQ staff may retry it there, after which it can still be applied."""
        self.error = reason
