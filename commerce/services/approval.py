"""Approving a prospect builds what SPEC §8 lists, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.emails import EmailSpec, partner_user_joined_email, prospect_approved_email
from commerce.models import Customer, CustomerHierarchy, HierarchyMember, Prospect
from commerce.selectors import hierarchy_member_elsewhere
from core.errors import NotAllowed, NotFound
from core.identity import email_normalize
from core.models import ADDRESS_FIELD_NAMES

from .audit import audit_entries_create
from .common import DB, channel_copy_on_commit, number_sequence_take
from .invitations import invitation_create, invitation_url
from .notifications import email_notifications_queue
from .prospects import decision_allowed_check, prospect_for_decision_locked


def _customer_for_prospect(prospect: Prospect, party_type: str) -> Customer | None:
    """A customer that dual-write already created for this prospect is reused (SPEC §8)."""
    return (
        Customer.objects.using(DB)
        .filter(prospect_number=prospect.prospect_number, party_type=party_type)
        .order_by("id")
        .first()
    )


def _customer_create(
    prospect: Prospect, *, account_number: str, party_type: str, name: str, fields: tuple[str, ...]
) -> Customer:
    """A customer made from the prospect: its contact details, address and language, and
    `fields` of the party type."""
    shared = ("email", "phone", "language", "prospect_number", *ADDRESS_FIELD_NAMES)
    return Customer.objects.using(DB).create(
        account_number=account_number,
        party_type=party_type,
        name=name,
        **{field: getattr(prospect, field) for field in (*shared, *fields)},
    )


def _customers_for_approval(prospect: Prospect) -> tuple[Customer, Customer]:
    organization = _customer_for_prospect(prospect, Customer.PartyType.ORGANIZATION)
    person = _customer_for_prospect(prospect, Customer.PartyType.PERSON)
    missing = [organization, person].count(None)
    numbers = iter(number_sequence_take(code="customer", count=missing) if missing else [])
    if organization is None:
        organization = _customer_create(
            prospect,
            account_number=next(numbers),
            party_type=Customer.PartyType.ORGANIZATION,
            name=prospect.company_name,
            fields=("tax_id", "website"),
        )
    if person is None:
        person = _customer_create(
            prospect,
            account_number=next(numbers),
            party_type=Customer.PartyType.PERSON,
            name=prospect.full_name,
            fields=("first_name", "last_name", "job_title"),
        )
    return organization, person


def _customer_named(account_number: str, party_type: str) -> Customer:
    customer = (
        Customer.objects.using(DB)
        .filter(account_number=account_number, party_type=party_type)
        .first()
    )
    if customer is None:
        raise NotFound(
            _("There is no %(type)s customer %(number)s in Commerce.")
            % {"type": party_type, "number": account_number},
            code="customer_missing",
        )
    return customer


def _b2b_hierarchy_of(organization: Customer) -> CustomerHierarchy | None:
    return (
        CustomerHierarchy.objects.using(DB)
        .select_for_update()
        .filter(organization=organization, purpose="B2B organization")
        .order_by("id")
        .first()
    )


def _hierarchy_admin_emails(hierarchy: CustomerHierarchy, person: Customer) -> list[EmailSpec]:
    """Tell an organization's admins that a new person joined their B2B hierarchy (§8)."""
    admins = (
        HierarchyMember.objects.using(DB)
        .select_related("customer")
        .filter(hierarchy=hierarchy, role=HierarchyMember.Role.ADMIN)
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exclude(customer=person)
    )
    return [
        partner_user_joined_email(
            admin=admin.customer,
            person=person,
            company_name=hierarchy.name,
            hierarchy_id=hierarchy.hierarchy_id,
        )
        for admin in admins
        if admin.customer.email
    ]


def _person_elsewhere(person: Customer, hierarchy: CustomerHierarchy) -> bool:
    """The person, or another person customer with their email, is a current user of another
    hierarchy: approving never moves anyone (one organization per person, SPEC §11)."""
    elsewhere = (
        HierarchyMember.objects.using(DB)
        .filter(customer=person)
        .exclude(status=HierarchyMember.Status.REMOVED)
        .exclude(hierarchy=hierarchy)
    )
    if elsewhere.exists():
        return True
    try:
        email = email_normalize(person.email)
    except ValidationError:  # an address from before the one form: compared as stored
        email = person.email
    return bool(email) and hierarchy_member_elsewhere(
        email=email, hierarchy_id=hierarchy.hierarchy_id
    )


def _hierarchy_for_approval(
    prospect: Prospect, organization: Customer, person: Customer
) -> tuple[CustomerHierarchy, list[EmailSpec] | None]:
    """The organization's B2B hierarchy with the person in it: a new one with the person as
    admin, or the existing one, which the person joins as a user (its admins are told).

    A person who is a user of another organization is not added: the emails are then None.
    """
    hierarchy = _b2b_hierarchy_of(organization)
    created = hierarchy is None
    if hierarchy is None:
        (hierarchy_id,) = number_sequence_take(code="hierarchy")
        hierarchy = CustomerHierarchy.objects.using(DB).create(
            hierarchy_id=hierarchy_id,
            name=organization.name,
            purpose="B2B organization",
            organization=organization,
            prospect_number=prospect.prospect_number,
        )
    if _person_elsewhere(person, hierarchy):
        return hierarchy, None
    if created:
        HierarchyMember.objects.using(DB).create(
            hierarchy=hierarchy, customer=person, role=HierarchyMember.Role.ADMIN
        )
        return hierarchy, []
    member = HierarchyMember.objects.using(DB).filter(hierarchy=hierarchy, customer=person).first()
    if member is None:
        HierarchyMember.objects.using(DB).create(
            hierarchy=hierarchy, customer=person, role=HierarchyMember.Role.USER
        )
    elif member.status == HierarchyMember.Status.REMOVED:
        raise NotAllowed(
            _("%(name)s was removed from %(company)s; add them again in HQ if they should return.")
            % {"name": person.name, "company": hierarchy.name},
            code="member_removed",
        )
    return hierarchy, _hierarchy_admin_emails(hierarchy, person)


def _approval_email(
    prospect: Prospect, org: Customer, requester: Customer, hierarchy: CustomerHierarchy
) -> EmailSpec:
    """The approval, with the requester's invitation link in their language."""
    token = invitation_create(customer=requester, hierarchy=hierarchy)
    language = requester.language or prospect.language
    return prospect_approved_email(
        prospect=prospect,
        organization=org,
        requester=requester,
        language=language,
        sign_in_url=invitation_url(token, language=language),
    )


def prospect_approve(
    *,
    prospect_number: str,
    actor: str,
    decided_in_sales: bool = False,
    organization: str = "",
    person: str = "",
    sales_lead: str = "",
    sales_opportunity: str = "",
) -> Prospect:
    """Approve a new prospect and build what SPEC §8 lists, all in one transaction.

    With `organization` and `person` (account numbers: Sales' account and contact, SPEC §8)
    exactly those customers are used, an existing organization included; otherwise the
    customers are made from the prospect. The approved email, the invitation and the admin
    are the person customer at its current email address.
    """
    decision_allowed_check(decided_in_sales=decided_in_sales)
    with transaction.atomic(using=DB):
        prospect = prospect_for_decision_locked(prospect_number)
        if organization and person:
            org = _customer_named(organization, Customer.PartyType.ORGANIZATION)
            requester = _customer_named(person, Customer.PartyType.PERSON)
        else:
            org, requester = _customers_for_approval(prospect)
        hierarchy, admin_emails = _hierarchy_for_approval(prospect, org, requester)
        channel_copy_on_commit()
        note = ""
        if admin_emails is None:
            note = _(
                "Approved without a user: %(email)s is already a user of another organization, "
                "and a person can be a user of one organization only. Nobody was invited; add "
                "an admin to %(company)s in HQ."
            ) % {"email": requester.email, "company": hierarchy.name}
            audit_entries_create(
                actor=actor,
                record=prospect,
                object_key=prospect.prospect_number,
                changes={"status_reason": (prospect.status_reason, note)},
            )
        prospect.approve(by=actor, reason=note)
        prospect.status_reason = note
        prospect.decided_at = timezone.now()
        prospect.organization_customer = org.account_number
        prospect.person_customer = requester.account_number
        prospect.customer_hierarchy = hierarchy.hierarchy_id
        prospect.sales_lead, prospect.sales_opportunity = sales_lead, sales_opportunity
        prospect.sync_error = ""
        prospect.save()
        if admin_emails is not None:
            email_notifications_queue(
                specs=[_approval_email(prospect, org, requester, hierarchy), *admin_emails]
            )
    return prospect
