"""Job runs (SPEC §6) and the channel requests P-0001 stages for the sync job."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.fields import EmailAddressField


class JobRun(models.Model):
    """One run of a job (SPEC §6); a P-0001 run is the upload session."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Succeeded with row errors")
        FAILED = "failed", _("Failed")
        # Its process died (SIGKILL, a restart) while it ran; see jobs.job_runs_interrupted_close.
        INTERRUPTED = "interrupted", _("Interrupted")

    class Trigger(models.TextChoices):
        HAND = "hand", _("by hand")
        API = "api", _("API")
        COMMIT = "commit", _("after a change")
        SCHEDULE = "schedule", _("schedule")

    job = models.CharField(_("job"), max_length=64, db_index=True)
    trigger = models.CharField(
        _("trigger"), max_length=16, choices=Trigger.choices, default=Trigger.HAND
    )
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
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
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
        # A site order's new status: placed (a sales order), awaiting approval, declined.
        ORDER = "order", _("Order")

    class State(models.TextChoices):
        NEW = "new", _("New")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")

    transition_log_model = "commerce.TransitionLog"

    request_id = models.UUIDField(_("request reference"), unique=True)
    request_type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    email = EmailAddressField(_("email"), db_index=True)
    payload = models.JSONField(_("payload"))
    state = FSMField(_("state"), choices=State.choices, default=State.NEW, protected=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    upload_run = models.ForeignKey(
        JobRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("upload run"),
    )
    staged_at = models.DateTimeField(_("staged"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-staged_at", "-id"]
        verbose_name = _("staged channel request")
        verbose_name_plural = _("staged channel requests")
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
