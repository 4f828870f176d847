"""Abstract models shared by the systems (each concrete table lives in its own database), and
the staff profile, which lives beside the accounts in `default`."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import CountryField, EmailAddressField, WebsiteField
from .validators import validate_multiline, validate_phone, validate_single_line


def single_line_field(
    verbose_name, max_length: int, *, validators=(), **kwargs
) -> models.CharField:
    """A CharField that refuses line breaks and control characters (SPEC §11)."""
    return models.CharField(
        verbose_name,
        max_length=max_length,
        validators=[validate_single_line, *validators],
        **kwargs,
    )


# The field names of SPEC §5, declared once: models, forms, serializers, services and the
# dual-write maps take their lists from here, so the API and the maps cannot drift apart.
PERSON_FIELD_NAMES = ("first_name", "last_name", "email", "phone", "job_title")
ADDRESS_FIELD_NAMES = ("street", "city", "state", "postal_code", "country")
PARTY_FIELD_NAMES = (
    "company_name",
    *PERSON_FIELD_NAMES,
    *ADDRESS_FIELD_NAMES,
    "tax_id",
    "website",
    "comments",
    "language",
)
# What a requester types in; `language` comes from the locale of the page or the request.
REQUESTER_FIELD_NAMES = tuple(name for name in PARTY_FIELD_NAMES if name != "language")


_MISSING = object()


def stored_value(record: models.Model, name: str) -> Any:
    """A field's stored value: a country as its code, without building the descriptor's object
    (the sync jobs read 100,000s of records); anything else as the attribute gives it."""
    value = record.__dict__.get(name, _MISSING)
    return getattr(record, name) if value is _MISSING else value


def defaulted_fields(model: type[models.Model], given) -> list[str]:
    """The fields a new record takes from its model's declared defaults, not from `given`:
    batch creation validates what it was given (`full_clean(exclude=…)`), each default
    being valid by declaration (for 10,000 prospects, 0.1 s of a 0.5 s validation)."""
    given = set(given)
    return [field.name for field in model._meta.concrete_fields if field.name not in given]


class PartyFields(models.Model):
    """The person and company fields of SPEC §5, shared by request, prospect and lead."""

    company_name = single_line_field(_("company name"), 160)
    first_name = single_line_field(_("first name"), 80)
    last_name = single_line_field(_("last name"), 80)
    email = EmailAddressField(_("email"), max_length=254)
    phone = single_line_field(_("phone"), 32, validators=[validate_phone])
    job_title = single_line_field(_("job title"), 120)
    street = single_line_field(_("street"), 200)
    city = single_line_field(_("city"), 100)
    state = single_line_field(_("state or region"), 100, blank=True)
    postal_code = single_line_field(_("postal code"), 20)
    country = CountryField(_("country"))
    tax_id = single_line_field(_("tax ID"), 40, blank=True)
    website = WebsiteField(_("website"), max_length=200, blank=True)
    comments = models.TextField(
        _("comments"), max_length=2000, blank=True, validators=[validate_multiline]
    )
    language = models.CharField(_("language"), max_length=8, default="en")

    PARTY_FIELD_NAMES = PARTY_FIELD_NAMES

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def party_values(self) -> dict[str, str]:
        return {name: str(stored_value(self, name)) for name in self.PARTY_FIELD_NAMES}


class Versioned(models.Model):
    """A record whose every saved change raises its version and its time of change.

    Dual-write's messages carry the version, and the "newest change wins" rule compares the
    time; both move on any save, `update_fields` included.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)


class TransitionLog(models.Model):
    """Who moved which record from which state to which, when and why (SPEC §4)."""

    model = models.CharField(max_length=100)
    object_key = models.CharField(max_length=100)
    transition = models.CharField(max_length=64)
    source_state = models.CharField(max_length=32)
    target_state = models.CharField(max_length=32)
    actor = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["model", "object_key"], name="%(app_label)s_log_key")]

    def __str__(self) -> str:
        return f"{self.object_key}: {self.source_state} → {self.target_state} by {self.actor}"


class NumberSequence(models.Model):
    """A number sequence for business keys: `prefix` + `next_value` padded to `width`."""

    code = models.CharField(max_length=32, unique=True)
    prefix = models.CharField(max_length=8)
    width = models.PositiveSmallIntegerField(default=6)
    next_value = models.PositiveBigIntegerField(default=1)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code}: {self.prefix}{self.next_value:0{self.width}d}"


class StaffProfile(models.Model):
    """What a console user chose for themself and keeps from one sign-in to the next."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)
