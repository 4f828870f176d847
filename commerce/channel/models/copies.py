"""Copies of HQ's organizations, hierarchies and partner users, kept by job 1010 (SPEC §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EmailAddressField

# The site decides who may sign in and what they may do from these copies alone, so it keeps
# working while HQ is down. Only job 1010 writes them, except `access_revoked_at` (below).


class ChannelCustomer(models.Model):
    class PartyType(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        PERSON = "person", _("Person")

    class CreditLimitType(models.TextChoices):
        NONE = "none", _("No credit limit")
        BALANCE = "balance", _("Balance")

    account_number = models.CharField(_("account number"), max_length=20, unique=True)
    party_type = models.CharField(_("party type"), max_length=16, choices=PartyType.choices)
    name = models.CharField(_("name"), max_length=200)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = EmailAddressField(_("email"), blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=14, decimal_places=2, default=0
    )
    credit_limit_type = models.CharField(
        _("credit limit type"),
        max_length=16,
        choices=CreditLimitType.choices,
        default=CreditLimitType.NONE,
    )
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=0)
    # Computed by HQ, copied as is: the site never recomputes HQ's credit rules.
    available_credit = models.DecimalField(
        _("available credit"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # The organization's address: where its orders are delivered.
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    blocked = models.BooleanField(_("blocked"), default=False)
    copied_at = models.DateTimeField(_("copied at"), auto_now=True)

    class Meta:
        ordering = ["account_number"]

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"


class ChannelHierarchy(models.Model):
    hierarchy_id = models.CharField(_("hierarchy ID"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        ChannelCustomer,
        to_field="account_number",
        on_delete=models.PROTECT,
        related_name="hierarchies",
        verbose_name=_("organization"),
    )
    copied_at = models.DateTimeField(_("copied at"), auto_now=True)

    class Meta:
        ordering = ["hierarchy_id"]
        verbose_name_plural = _("channel hierarchies")

    def __str__(self) -> str:
        return f"{self.hierarchy_id} {self.name}"


class MembershipTerms(models.Model):
    """A partner user's role and spending limit, and the statuses of a membership: the same in
    HQ (commerce.HierarchyMember, the record) and on the site (its copy, kept by job 1010)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        USER = "user", _("User")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")

    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.USER)
    # Per order; an order above it waits for an admin's approval (SPEC §13).
    spending_limit = models.DecimalField(
        _("spending limit"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Per calendar month, where set: the user's orders of the month together.
    monthly_spending_limit = models.DecimalField(
        _("monthly spending limit"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True


class ChannelHierarchyMember(MembershipTerms):
    """A partner user as HQ last reported it; its status mirrors HQ's (SPEC §4)."""

    Status = MembershipTerms.Status
    CURRENT_STATUSES = (Status.PENDING, Status.ACTIVE)

    hierarchy = models.ForeignKey(
        ChannelHierarchy,
        to_field="hierarchy_id",
        on_delete=models.CASCADE,
        related_name="members",
    )
    customer = models.ForeignKey(
        ChannelCustomer,
        to_field="account_number",
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    # Set by the site when an admin removes the user, so access ends at once, before HQ
    # hears of it; job 1010 never clears it.
    access_revoked_at = models.DateTimeField(_("access revoked at"), null=True, blank=True)
    copied_at = models.DateTimeField(_("copied at"), auto_now=True)

    class Meta:
        ordering = ["hierarchy", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hierarchy", "customer"], name="channel_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.hierarchy_id}/{self.customer_id} ({self.role}, {self.status})"

    @property
    def has_access(self) -> bool:
        return self.status == self.Status.ACTIVE and self.access_revoked_at is None

    @property
    def access_withdrawn(self) -> bool:
        """Removed by an admin on the site, or by HQ: not a membership that is still to start."""
        return self.status == self.Status.REMOVED or self.access_revoked_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN
