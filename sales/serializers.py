"""Payloads of the Sales API (SPEC §5 field names, §10)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.dates import validate_business_date
from core.validators import validate_multiline, validate_single_line

from .models import Account, Contact, Lead, Opportunity
from .selectors import DUPLICATE_REASONS, LEAD_VIEWS


class SalesServiceErrorSerializer(serializers.Serializer):
    """The body of a refused request (core.api.exception_handler).

    Named apart from commerce's twin: the schema needs unique component names and sales may
    not import commerce.
    """

    detail = serializers.CharField()
    code = serializers.CharField()


class DuplicateCandidateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("account", _("Account")), ("contact", _("Contact"))])
    number = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    reason = serializers.ChoiceField(choices=list(DUPLICATE_REASONS.items()))


class DuplicatesFoundSerializer(SalesServiceErrorSerializer):
    duplicates = DuplicateCandidateSerializer(many=True)


def _number(source: str) -> serializers.CharField:
    """A linked record's business key, or null when there is no link."""
    return serializers.CharField(source=source, read_only=True, allow_null=True)


# --- records ----------------------------------------------------------------------------------


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = (
            "account_number",
            *Account.EDITABLE_FIELD_NAMES,
            "prospect_number",
            "version",
            "created_at",
            "updated_at",
        )


class ContactSerializer(serializers.ModelSerializer):
    account_number = _number("account.account_number")

    class Meta:
        model = Contact
        fields = (
            "contact_number",
            *Contact.EDITABLE_FIELD_NAMES,
            "account_number",
            "prospect_number",
            "version",
            "created_at",
            "updated_at",
        )


class LeadSerializer(serializers.ModelSerializer):
    account_number = _number("account.account_number")
    contact_number = _number("contact.contact_number")
    opportunity_id = serializers.IntegerField(
        source="opportunity.pk", read_only=True, allow_null=True
    )
    opportunity_number = _number("opportunity.opportunity_number")

    class Meta:
        model = Lead
        fields = (
            "id",
            "topic",
            "status",
            "status_reason",
            "owner",
            "lead_source",
            "prospect_number",
            "created_by_integration",
            *Lead.PARTY_FIELD_NAMES,
            "account_number",
            "contact_number",
            "opportunity_id",
            "opportunity_number",
            "version",
            "created_at",
            "updated_at",
        )


class OpportunitySerializer(serializers.ModelSerializer):
    account_number = _number("account.account_number")
    contact_number = _number("contact.contact_number")
    originating_lead_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Opportunity
        fields = (
            "id",
            "opportunity_number",
            "topic",
            "status",
            "status_reason",
            "owner",
            "estimated_revenue",
            "actual_revenue",
            "close_date",
            "description",
            "competitor",
            "prospect_number",
            "account_number",
            "contact_number",
            "originating_lead_id",
            "version",
            "created_at",
            "updated_at",
        )


class LeadQualificationSerializer(serializers.Serializer):
    lead = LeadSerializer()
    account = AccountSerializer(allow_null=True)
    contact = ContactSerializer(allow_null=True)
    opportunity = OpportunitySerializer(allow_null=True)


# --- requests ---------------------------------------------------------------------------------


class LeadListFilterSerializer(serializers.Serializer):
    view = serializers.ChoiceField(
        choices=list(LEAD_VIEWS.items()),
        required=False,
        help_text=_(
            "my-open-leads: your own open leads; all-b2b-commerce-leads: every lead "
            "from B2B commerce, whoever owns it (also open to back-office staff)."
        ),
    )


def _description() -> serializers.CharField:
    return serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_multiline],
    )


def _record_number(help_text) -> serializers.CharField:
    return serializers.CharField(
        max_length=20,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        validators=[validate_single_line],
        help_text=help_text,
    )


class LeadQualifySerializer(serializers.Serializer):
    create_account = serializers.BooleanField(default=True)
    existing_account_number = _record_number(
        _("Link this existing account instead of creating one.")
    )
    create_contact = serializers.BooleanField(default=True)
    existing_contact_number = _record_number(
        _("Link this existing contact instead of creating one.")
    )
    create_opportunity = serializers.BooleanField(default=True)
    ignore_duplicates = serializers.BooleanField(
        default=False,
        help_text=_("Create new records although possible duplicates exist (else 409)."),
    )

    def validate(self, attrs: dict) -> dict:
        for name in ("existing_account_number", "existing_contact_number"):
            attrs[name] = (attrs.get(name) or "").strip() or None
        return attrs


class LeadDisqualifySerializer(serializers.Serializer):
    status_reason = serializers.ChoiceField(
        choices=[(reason.value, reason.label) for reason in Lead.DISQUALIFY_REASONS]
    )
    description = _description()


class OpportunityCloseAsWonSerializer(serializers.Serializer):
    actual_revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    close_date = serializers.DateField(
        default=timezone.localdate, validators=[validate_business_date]
    )
    description = _description()


class OpportunityCloseAsLostSerializer(serializers.Serializer):
    status_reason = serializers.ChoiceField(
        choices=[(reason.value, reason.label) for reason in Opportunity.LOST_REASONS]
    )
    competitor = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_single_line],
    )
    close_date = serializers.DateField(
        default=timezone.localdate, validators=[validate_business_date]
    )
    description = _description()
