"""Prospects, customers and their hierarchies, members and invitations (SPEC §5, §8)."""

from decimal import Decimal

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_fsm import FSMField, FSMModelMixin, transition

# The site's membership terms: HQ's members are what job 1010 copies there.
from commerce.channel.models import MembershipTerms
from core.currencies import validate_currency
from core.fields import CountryField, EmailAddressField, WebsiteField
from core.models import (
    ADDRESS_FIELD_NAMES,
    PERSON_FIELD_NAMES,
    PartyFields,
    Versioned,
    single_line_field,
)
from core.models import NumberSequence as NumberSequenceBase
from core.outboxed import ChangeTracking, OutboxedQuerySet


class NumberSequence(NumberSequenceBase):
    """Number sequences for business keys (prospects, customers, hierarchies)."""


class Prospect(FSMModelMixin, ChangeTracking, PartyFields):
    """A would-be business partner, decided in HQ or, with the integration on, in Sales."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    transition_log_model = "commerce.TransitionLog"

    prospect_number = models.CharField(_("prospect number"), max_length=20, unique=True)
    # Stored in English as SPEC §3 names them (the API returns them); pages translate them.
    prospect_type = models.CharField(_("type"), max_length=32, default=gettext_noop("B2B prospect"))
    status = FSMField(_("status"), choices=Status.choices, default=Status.NEW, protected=True)
    status_reason = models.TextField(_("status reason"), blank=True)
    channel = models.CharField(_("channel"), max_length=64, default=gettext_noop("B2B site"))
    request_id = models.UUIDField(_("request reference"), unique=True, null=True, blank=True)
    organization_customer = models.CharField(_("organization customer"), max_length=20, blank=True)
    person_customer = models.CharField(_("person customer"), max_length=20, blank=True)
    customer_hierarchy = models.CharField(_("customer hierarchy"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    # The category of a rejection (a lead or opportunity reason, or "hq"): it picks the
    # customer-facing line of the decline email; `status_reason` stays internal to HQ.
    reason_category = models.CharField(_("reason category"), max_length=32, blank=True)
    # Business keys of the Sales records that decided it (SPEC §7 "each side links").
    sales_lead = models.CharField(_("Sales lead"), max_length=20, blank=True)
    sales_opportunity = models.CharField(_("Sales opportunity"), max_length=20, blank=True)
    # A Sales decision that could not be applied here (SPEC §7); cleared once one is applied.
    sync_error = models.TextField(_("dual-write error"), blank=True)

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="commerce_prospect_status"),
            # Open requests are found by email case-insensitively (UPPER(email) = UPPER(%s)).
            models.Index(Upper("email"), "status", name="commerce_prospect_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_number} {self.company_name}"

    @property
    def transition_key(self) -> str:
        return self.prospect_number

    @transition(field=status, source=Status.NEW, target=Status.APPROVED)
    def approve(self, *, by: str, reason: str = "") -> None:
        self.decided_by = by

    @transition(field=status, source=Status.NEW, target=Status.REJECTED)
    def reject(self, *, by: str, reason: str, category: str = "") -> None:
        self.decided_by = by
        self.status_reason = reason
        self.reason_category = category

    @transition(field=status, source=Status.REJECTED, target=Status.NEW)
    def reopen(self, *, by: str, reason: str = "") -> None:
        """Sales reactivated the lead whose disqualification rejected this prospect (§4)."""
        self.decided_by = ""
        self.decided_at = None
        self.status_reason = ""
        self.reason_category = ""


class Customer(ChangeTracking, Versioned):
    class PartyType(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        PERSON = "person", _("Person")

    class CreditLimitType(models.TextChoices):
        NONE = "none", _("None")
        BALANCE = "balance", _("Balance")

    account_number = models.CharField(_("account number"), max_length=20, unique=True)
    party_type = models.CharField(_("party type"), max_length=16, choices=PartyType.choices)
    name = single_line_field(_("name"), 200)
    first_name = single_line_field(_("first name"), 80, blank=True)
    last_name = single_line_field(_("last name"), 80, blank=True)
    email = EmailAddressField(_("email"), blank=True)
    phone = single_line_field(_("phone"), 32, blank=True)
    job_title = single_line_field(_("job title"), 120, blank=True)
    street = single_line_field(_("street"), 200, blank=True)
    city = single_line_field(_("city"), 100, blank=True)
    state = single_line_field(_("state or region"), 100, blank=True)
    postal_code = single_line_field(_("postal code"), 20, blank=True)
    country = CountryField(_("country"), blank=True)
    tax_id = single_line_field(_("tax ID"), 40, blank=True)
    website = WebsiteField(_("website"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=14, decimal_places=2, default=0
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[validate_currency],
    )
    credit_limit_type = models.CharField(
        _("credit limit type"),
        max_length=8,
        choices=CreditLimitType.choices,
        default=CreditLimitType.NONE,
    )
    # The open balance; orders maintain it once the site takes them.
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=0)
    blocked = models.BooleanField(_("blocked"), default=False)
    prospect_number = models.CharField(_("prospect"), max_length=20, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The SPEC §5 fields of a customer: its name, the person's fields and the address.
    PARTY_FIELD_NAMES = (
        "name",
        *PERSON_FIELD_NAMES,
        *ADDRESS_FIELD_NAMES,
        "tax_id",
        "website",
        "language",
    )

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        ordering = ["account_number"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"

    @property
    def available_credit(self) -> Decimal | None:
        """Credit left before the limit; None when no limit is checked."""
        if self.credit_limit_type != self.CreditLimitType.BALANCE:
            return None
        return self.credit_limit - self.balance


class CustomerHierarchy(models.Model):
    hierarchy_id = models.CharField(_("hierarchy ID"), max_length=20, unique=True)
    name = single_line_field(_("name"), 200)
    purpose = models.CharField(_("purpose"), max_length=64, default="B2B organization")
    organization = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="hierarchies",
        verbose_name=_("organization"),
    )
    prospect_number = models.CharField(_("prospect"), max_length=20, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["hierarchy_id"]
        verbose_name = _("customer hierarchy")
        verbose_name_plural = _("customer hierarchies")

    def __str__(self) -> str:
        return f"{self.hierarchy_id} {self.name}"


class HierarchyMember(FSMModelMixin, MembershipTerms):
    """A partner user: a person customer in an organization's hierarchy (SPEC §4, §8)."""

    Status = MembershipTerms.Status

    transition_log_model = "commerce.TransitionLog"

    hierarchy = models.ForeignKey(
        CustomerHierarchy,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("customer hierarchy"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("customer"),
    )
    status = FSMField(_("status"), choices=Status.choices, default=Status.PENDING, protected=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["hierarchy", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["hierarchy", "customer"], name="commerce_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} ({self.get_role_display()})"

    @property
    def transition_key(self) -> str:
        return f"{self.hierarchy.hierarchy_id}/{self.customer.account_number}"

    @transition(field=status, source=Status.PENDING, target=Status.ACTIVE)
    def activate(self, *, by: str, reason: str = "") -> None:
        """Set by job 1010 once the member reaches the B2B site."""

    @transition(field=status, source=[Status.PENDING, Status.ACTIVE], target=Status.REMOVED)
    def remove(self, *, by: str, reason: str = "") -> None:
        """Takes the user out of the hierarchy and out of the site."""


class Invitation(models.Model):
    """A single-use, expiring link to set a password on the B2B site (SPEC §8)."""

    token_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invitations")
    hierarchy = models.ForeignKey(CustomerHierarchy, on_delete=models.CASCADE)
    email = EmailAddressField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer link is issued or the member is removed: the link no longer works.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"Invitation for {self.email}"
