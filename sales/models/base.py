"""What the Sales records share: logs, number sequences and the abstract bases."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from core.fields import CountryField
from core.models import ADDRESS_FIELD_NAMES, Versioned, single_line_field
from core.models import NumberSequence as NumberSequenceBase
from core.models import TransitionLog as TransitionLogBase
from core.outboxed import ChangeTracking, OutboxedQuerySet


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

    ADDRESS_FIELD_NAMES = ADDRESS_FIELD_NAMES

    class Meta:
        abstract = True


def optional_link(to: type[models.Model], *, related_name: str, verbose_name) -> models.ForeignKey:
    """An optional link to an account or contact; a linked record cannot be deleted."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class Pipeline(FSMModelMixin, ChangeTracking, Versioned):
    """A lead or an opportunity: a rep's record whose logged transitions decide a prospect."""

    transition_log_model = "sales.TransitionLog"

    topic = single_line_field(_("topic"), 200)
    # Users live in `default`; a username keeps the Sales database self-contained.
    owner = models.CharField(_("owner"), max_length=150, db_index=True)
    # A decision of this record that Commerce could not apply (SPEC §7); cleared once applied.
    sync_error = models.TextField(_("dual-write error"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
