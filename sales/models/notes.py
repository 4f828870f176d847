"""The timeline notes of leads, opportunities, accounts and contacts."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.validators import validate_multiline

from .leads import Lead
from .opportunities import Opportunity
from .records import Account, Contact


def _parent_key(model) -> models.ForeignKey:
    """The note's record of one kind; indexed by a partial index in `Note.Meta`."""
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notes",
        db_index=False,
    )


class Note(models.Model):
    """A timeline note on a lead, opportunity, account or contact."""

    text = models.TextField(_("text"), max_length=5000, validators=[validate_multiline])
    author = models.CharField(_("author"), max_length=150)
    # A note the system writes keeps its English message and values, so every reader sees it in
    # their own language; `text` holds it in English for the API and search.
    system_message = models.CharField(max_length=200, blank=True, editable=False)
    system_values = models.JSONField(default=dict, blank=True, editable=False)
    # Not auto_now_add: notes copied to an opportunity on qualify keep their original time.
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    lead = _parent_key(Lead)
    opportunity = _parent_key(Opportunity)
    account = _parent_key(Account)
    contact = _parent_key(Contact)

    class Meta:
        ordering = ["-created_at", "-id"]
        # A note belongs to one of the four: each index holds the notes of its own kind, not a
        # NULL for every other note (a lead's note from the flow wrote four index entries).
        indexes = [
            models.Index(
                fields=[parent],
                condition=Q(**{f"{parent}__isnull": False}),
                name=f"sales_note_{parent}",
            )
            for parent in ("lead", "opportunity", "account", "contact")
        ]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"

    @property
    def text_for_reader(self) -> str:
        """The note in the active language: a system note translated, a person's as written."""
        if self.system_message:
            return gettext(self.system_message) % self.system_values
        return self.text
