"""Who did what in HQ: state transitions (SPEC §4) and field changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TransitionLog as TransitionLogBase


class TransitionLog(TransitionLogBase):
    class Meta(TransitionLogBase.Meta):
        verbose_name = _("transition")
        verbose_name_plural = _("transition log")


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
