"""Abstract models shared by the systems; each concrete table lives in its own database."""

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

    PARTY_FIELD_NAMES = (
        "company_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "street",
        "city",
        "state",
        "postal_code",
        "country",
        "tax_id",
        "website",
        "comments",
        "language",
    )

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def party_values(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in self.PARTY_FIELD_NAMES}


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
