"""Accounts and contacts: the Sales side of Commerce's organization and person customers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EmailAddressField, WebsiteField
from core.models import ADDRESS_FIELD_NAMES, PERSON_FIELD_NAMES, Versioned, single_line_field
from core.outboxed import ChangeTracking, OutboxedQuerySet
from core.validators import validate_phone

from ..matching import company_name_key
from .base import AddressFields, optional_link


class Mirrored(ChangeTracking, AddressFields, Versioned):
    """A record mirrored to Commerce as a customer, keyed by its number (dual-write, SPEC §7)."""

    email = EmailAddressField(_("email"), blank=True)
    phone = single_line_field(_("phone"), 32, validators=[validate_phone], blank=True)
    prospect_number = models.CharField(
        _("prospect number"), max_length=20, blank=True, db_index=True
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OutboxedQuerySet.as_manager()

    # Fields computed from others on save(); bulk writes (dual-write's initial sync) do not
    # call save(), so they call `derived_fields_set` and write these too.
    DERIVED_FIELD_NAMES: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def derived_fields_set(self) -> None:
        """Nothing is derived by default."""


class Account(Mirrored):
    """A company; mirrored to Commerce as an organization customer, keyed by account number."""

    account_number = models.CharField(_("account number"), max_length=20, unique=True)
    name = single_line_field(_("name"), 200)
    website = WebsiteField(_("website"), blank=True)
    tax_id = single_line_field(_("tax ID"), 40, blank=True)
    # Folded name (matching.company_name_key), so duplicate checks are one indexed equality.
    company_name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    EDITABLE_FIELD_NAMES = (
        "name",
        "email",
        "phone",
        "website",
        "tax_id",
        "language",
        *ADDRESS_FIELD_NAMES,
    )

    class Meta:
        ordering = ["name", "account_number"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"

    DERIVED_FIELD_NAMES = ("company_name_key",)

    def derived_fields_set(self) -> None:
        self.company_name_key = company_name_key(self.name)

    def save(self, *args, **kwargs) -> None:
        self.derived_fields_set()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "company_name_key"}
        super().save(*args, **kwargs)


class Contact(Mirrored):
    """A person; mirrored to Commerce as a person customer, keyed by contact number."""

    contact_number = models.CharField(_("contact number"), max_length=20, unique=True)
    first_name = single_line_field(_("first name"), 80, blank=True)
    last_name = single_line_field(_("last name"), 80)
    job_title = single_line_field(_("job title"), 120, blank=True)
    account = optional_link(Account, related_name="contacts", verbose_name=_("account"))

    EDITABLE_FIELD_NAMES = (*PERSON_FIELD_NAMES, "language", *ADDRESS_FIELD_NAMES)

    class Meta:
        ordering = ["last_name", "first_name", "contact_number"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.contact_number} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
