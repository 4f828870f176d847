"""Payloads of the Commerce HQ API (SPEC §5 field names)."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializer_fields import EmailAddressField
from core.validators import validate_multiline, validate_single_line

from .jobs import JOBS
from .models import (
    AuditEntry,
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    JobRun,
    Prospect,
)
from .selectors import email_notification_content

# --- prospects --------------------------------------------------------------------------------


class ProspectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prospect
        fields = (
            "prospect_number",
            "status",
            "status_reason",
            "channel",
            "request_id",
            "organization_customer",
            "person_customer",
            "customer_hierarchy",
            *Prospect.PARTY_FIELD_NAMES,
            "created_at",
            "decided_at",
            "decided_by",
            "reason_category",
            "sales_lead",
            "sales_opportunity",
            "sync_error",
        )


class ProspectFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Prospect.Status.choices, required=False)
    search = serializers.CharField(
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text=_("Prospect number, or part of the company name, email or last name."),
    )


class ProspectRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, validators=[validate_multiline])


# --- customers and hierarchies ----------------------------------------------------------------


def _available_credit_field() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=15,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text=_("Credit limit minus balance; null unless the credit limit type is balance."),
    )


class CustomerSerializer(serializers.ModelSerializer):
    available_credit = _available_credit_field()

    class Meta:
        model = Customer
        fields = (
            "account_number",
            "party_type",
            *Customer.PARTY_FIELD_NAMES,
            "credit_limit",
            "currency",
            "credit_limit_type",
            "balance",
            "available_credit",
            "blocked",
            "prospect_number",
            "created_at",
            "updated_at",
        )


class CustomerFilterSerializer(serializers.Serializer):
    party_type = serializers.ChoiceField(choices=Customer.PartyType.choices, required=False)


class HierarchyMemberSerializer(serializers.ModelSerializer):
    account_number = serializers.CharField(source="customer.account_number")
    name = serializers.CharField(source="customer.name")
    first_name = serializers.CharField(source="customer.first_name")
    last_name = serializers.CharField(source="customer.last_name")
    email = serializers.EmailField(source="customer.email")
    language = serializers.CharField(source="customer.language")

    class Meta:
        model = HierarchyMember
        fields = (
            "account_number",
            "name",
            "first_name",
            "last_name",
            "email",
            "language",
            "role",
            "spending_limit",
            "monthly_spending_limit",
            "status",
        )


def _name_field() -> serializers.CharField:
    return serializers.CharField(max_length=80, validators=[validate_single_line])


def _spending_limit_field(help_text=None) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        # A number in the schema, so that it states the minimum the services enforce (a decimal
        # documented as a string has only a pattern); strings like "2500.50" are still read.
        coerce_to_string=False,
        allow_null=True,
        # Left out: no limit on add; unchanged on a (partial) change, where DRF skips defaults.
        default=None,
        help_text=help_text or _("Null (or left out) for no limit."),
    )


def _monthly_spending_limit_field() -> serializers.DecimalField:
    return _spending_limit_field(
        _(
            "What the user's orders of a calendar month may come to before one waits for an "
            "admin's approval; null (or left out) for no monthly limit."
        )
    )


class HierarchyMemberAddSerializer(serializers.Serializer):
    first_name = _name_field()
    last_name = _name_field()
    email = EmailAddressField(max_length=254)
    role = serializers.ChoiceField(choices=HierarchyMember.Role.choices)
    spending_limit = _spending_limit_field()
    monthly_spending_limit = _monthly_spending_limit_field()
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the invitation email."),
    )


class HierarchyMemberChangeSerializer(serializers.Serializer):
    """Only the fields given are changed; a null spending limit means no limit."""

    first_name = _name_field()
    last_name = _name_field()
    role = serializers.ChoiceField(choices=HierarchyMember.Role.choices)
    spending_limit = _spending_limit_field()
    monthly_spending_limit = _monthly_spending_limit_field()


class HierarchyMemberRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, default="", validators=[validate_multiline]
    )


class CreditLimitSerializer(serializers.ModelSerializer):
    available_credit = _available_credit_field()

    class Meta:
        model = Customer
        fields = (
            "account_number",
            "credit_limit",
            "currency",
            "credit_limit_type",
            "balance",
            "available_credit",
        )
        read_only_fields = fields


class CreditLimitChangeSerializer(serializers.ModelSerializer):
    """Only the fields given are changed."""

    credit_limit = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )

    class Meta:
        model = Customer
        fields = ("credit_limit", "currency", "credit_limit_type")
        extra_kwargs = {"currency": {"required": False}, "credit_limit_type": {"required": False}}


# --- audit ------------------------------------------------------------------------------------


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = (
            "created_at",
            "actor",
            "model",
            "object_key",
            "field",
            "old_value",
            "new_value",
        )


class AuditFilterSerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=100,
        required=False,
        validators=[validate_single_line],
        help_text=_(
            "A business key (account number, hierarchy ID); also brings the rows of the "
            "memberships it is part of."
        ),
    )


class CustomerHierarchySerializer(serializers.ModelSerializer):
    organization = serializers.CharField(
        source="organization.account_number",
        help_text=_("Account number of the organization customer."),
    )
    members = HierarchyMemberSerializer(many=True)

    class Meta:
        model = CustomerHierarchy
        fields = (
            "hierarchy_id",
            "name",
            "purpose",
            "organization",
            "prospect_number",
            "created_at",
            "members",
        )


# --- email notifications ----------------------------------------------------------------------


class EmailNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailNotification
        fields: tuple[str, ...] = (
            "notification_id",
            "type",
            "recipient",
            "language",
            "subject",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
        )


class EmailNotificationDetailSerializer(EmailNotificationSerializer):
    """With the bodies: as sent, or as they will be sent (rendered now) while queued."""

    body_text = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()

    class Meta(EmailNotificationSerializer.Meta):
        fields = (*EmailNotificationSerializer.Meta.fields, "body_text", "body_html")

    def get_body_text(self, notification: EmailNotification) -> str:
        return email_notification_content(notification).body_text

    def get_body_html(self, notification: EmailNotification) -> str:
        return email_notification_content(notification).body_html


class EmailNotificationFilterSerializer(serializers.Serializer):
    recipient = serializers.EmailField(required=False)
    type = serializers.ChoiceField(choices=EmailNotification.Type.choices, required=False)
    status = serializers.ChoiceField(choices=EmailNotification.Status.choices, required=False)


# --- jobs -------------------------------------------------------------------------------------


class JobRunSerializer(serializers.ModelSerializer):
    duration_seconds = serializers.FloatField(allow_null=True)

    class Meta:
        model = JobRun
        fields = (
            "id",
            "job",
            "trigger",
            "started_at",
            "last_seen_at",
            "finished_at",
            "duration_seconds",
            "rows",
            "errors",
            "outcome",
            "message",
        )


class JobSerializer(serializers.Serializer):
    code = serializers.CharField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    latest_runs = JobRunSerializer(many=True)


class JobRunFilterSerializer(serializers.Serializer):
    job = serializers.ChoiceField(
        choices=[(job.slug, job.name) for job in JOBS.values()], required=False
    )


class JobQueuedSerializer(serializers.Serializer):
    job = serializers.CharField()
    queued = serializers.BooleanField()
