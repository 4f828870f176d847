"""A customer hierarchy's partner users: added, changed and removed by HQ or the site's admins."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commerce.models import Customer, CustomerHierarchy, HierarchyMember
from commerce.selectors import hierarchy_member_elsewhere
from core.errors import NotAllowed, NotFound, ServiceError
from core.identity import email_normalize

from .audit import audit_entries_create
from .common import DB, channel_copy_on_commit, number_sequence_take
from .invitations import invitation_send, invitations_withdraw
from .validation import member_role_checked, person_validate, spending_limit_checked, text_clean

# One organization per person (SPEC §11). The same words in HQ and on the site, and they do not
# say whose the address is: a partner admin learns nothing about other organizations or staff.
ONE_ORGANIZATION = gettext_lazy(
    "This person cannot be added: a person can be a user of one organization only, and this "
    "email address is already in use. Ask them to contact us."
)


def _hierarchy_locked(hierarchy_id: str) -> CustomerHierarchy:
    """The hierarchy row lock serializes member changes, so the last-admin rule holds."""
    try:
        return (
            CustomerHierarchy.objects.using(DB)
            .select_for_update()
            .select_related("organization")
            .get(hierarchy_id=hierarchy_id)
        )
    except CustomerHierarchy.DoesNotExist:
        raise NotFound(
            _("Customer hierarchy %(id)s does not exist.") % {"id": hierarchy_id}
        ) from None


def _member_current(hierarchy: CustomerHierarchy, account_number: str) -> HierarchyMember:
    member = (
        hierarchy.members.using(DB)
        .select_related("customer", "hierarchy")
        .exclude(status=HierarchyMember.Status.REMOVED)
        .filter(customer__account_number=account_number)
        .first()
    )
    if member is None:
        raise NotFound(
            _("%(account)s is not a user of customer hierarchy %(id)s.")
            % {"account": account_number, "id": hierarchy.hierarchy_id}
        )
    return member


def _admin_remains(member: HierarchyMember) -> None:
    """Refuse taking away the hierarchy's last pending or active admin."""
    others = (
        HierarchyMember.objects.using(DB)
        .filter(hierarchy=member.hierarchy_id, role=HierarchyMember.Role.ADMIN)
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exclude(pk=member.pk)
    )
    if member.role == HierarchyMember.Role.ADMIN and not others.exists():
        raise NotAllowed(
            _("%(name)s is the last admin of %(company)s; make another user an admin first.")
            % {"name": member.customer.name, "company": member.hierarchy.name},
            code="last_admin",
        )


# The fields a partner user is added with, all required (a subset of SPEC §5's party fields).
PERSON_FIELDS = ("first_name", "last_name", "email")
_MEMBER_CHANGE_FIELDS = {
    "first_name",
    "last_name",
    "role",
    "spending_limit",
    "monthly_spending_limit",
}


def hierarchy_member_add(
    *,
    hierarchy_id: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    spending_limit: Decimal | None,
    language: str,
    actor: str,
    monthly_spending_limit: Decimal | None = None,
) -> HierarchyMember:
    """Add a partner user: person customer, pending membership, invitation and email."""
    role = member_role_checked(role)
    limit = spending_limit_checked(spending_limit)
    monthly_limit = spending_limit_checked(monthly_spending_limit)
    if language not in [code for code, __ in settings.LANGUAGES]:
        raise ServiceError(_("Unknown language %(code)s.") % {"code": language}, code="language")
    first_name, last_name, email = text_clean(first_name), text_clean(last_name), text_clean(email)
    with transaction.atomic(using=DB):
        hierarchy = _hierarchy_locked(hierarchy_id)
        organization = hierarchy.organization
        person = Customer(
            party_type=Customer.PartyType.PERSON,
            name=f"{first_name} {last_name}",
            first_name=first_name,
            last_name=last_name,
            email=email,
            language=language,
            country=organization.country,
        )
        person_validate(person, fields=PERSON_FIELDS)
        person.email = email = email_normalize(email)
        duplicate = (
            hierarchy.members.using(DB)
            .exclude(status=HierarchyMember.Status.REMOVED)
            .filter(customer__email__iexact=email)
        )
        if duplicate.exists():
            raise NotAllowed(
                _("%(email)s is already a user of %(company)s.")
                % {"email": email, "company": hierarchy.name},
                code="duplicate_email",
            )
        if hierarchy_member_elsewhere(email=email, hierarchy_id=hierarchy_id):
            raise ServiceError(
                str(ONE_ORGANIZATION),
                code="other_organization",
                details={"errors": {"email": [str(ONE_ORGANIZATION)]}},
            )
        (person.account_number,) = number_sequence_take(code="customer")
        person.save(using=DB)
        member = HierarchyMember.objects.using(DB).create(
            hierarchy=hierarchy,
            customer=person,
            role=role,
            spending_limit=limit,
            monthly_spending_limit=monthly_limit,
        )
        audit_entries_create(
            actor=actor,
            record=person,
            object_key=person.account_number,
            changes={field: (None, getattr(person, field)) for field in PERSON_FIELDS},
        )
        audit_entries_create(
            actor=actor,
            record=member,
            object_key=member.transition_key,
            changes={
                "status": (None, member.status),
                "role": (None, role),
                "spending_limit": (None, limit),
                "monthly_spending_limit": (None, monthly_limit),
            },
        )
        channel_copy_on_commit()
        invitation_send(
            person=person,
            hierarchy=hierarchy,
            company_name=organization.name,
            event_key=f"partner_user_invited:{member.transition_key}",
        )
    return member


def hierarchy_member_change(
    *, hierarchy_id: str, account_number: str, actor: str, values: dict
) -> HierarchyMember:
    """Change a member's names, role or spending limit (None = no limit)."""
    unknown = set(values) - _MEMBER_CHANGE_FIELDS
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="unknown_fields",
        )
    with transaction.atomic(using=DB):
        hierarchy = _hierarchy_locked(hierarchy_id)
        member = _member_current(hierarchy, account_number)
        person = member.customer
        person_before = {field: getattr(person, field) for field in ("first_name", "last_name")}
        member_before = {
            "role": member.role,
            "spending_limit": member.spending_limit,
            "monthly_spending_limit": member.monthly_spending_limit,
        }
        if "role" in values:
            role = member_role_checked(values["role"])
            if role != HierarchyMember.Role.ADMIN:
                _admin_remains(member)
            member.role = role
        for limit_field in ("spending_limit", "monthly_spending_limit"):
            if limit_field in values:
                setattr(member, limit_field, spending_limit_checked(values[limit_field]))
        names = {
            field: text_clean(values[field])
            for field in ("first_name", "last_name")
            if field in values
        }
        if names:
            for field, value in names.items():
                setattr(person, field, value)
            person.name = f"{person.first_name} {person.last_name}"
            person_validate(person, fields=tuple(names))
            person.save(using=DB, update_fields=[*names, "name", "updated_at"])
        member.save(using=DB, update_fields=["role", "spending_limit", "monthly_spending_limit"])
        audit_entries_create(
            actor=actor,
            record=person,
            object_key=person.account_number,
            changes={field: (old, getattr(person, field)) for field, old in person_before.items()},
        )
        audit_entries_create(
            actor=actor,
            record=member,
            object_key=member.transition_key,
            changes={field: (old, getattr(member, field)) for field, old in member_before.items()},
        )
        channel_copy_on_commit()
    return member


def hierarchy_member_remove(
    *, hierarchy_id: str, account_number: str, actor: str, reason: str = ""
) -> HierarchyMember:
    """Take a user out of the hierarchy (and, through the channel copy, out of the site)."""
    with transaction.atomic(using=DB):
        hierarchy = _hierarchy_locked(hierarchy_id)
        member = _member_current(hierarchy, account_number)
        _admin_remains(member)
        before = member.status
        member.remove(by=actor, reason=reason)
        member.save(using=DB, update_fields=["status"])
        invitations_withdraw(customer=member.customer, hierarchy=hierarchy)
        audit_entries_create(
            actor=actor,
            record=member,
            object_key=member.transition_key,
            changes={"status": (before, member.status)},
        )
        channel_copy_on_commit()
    return member
