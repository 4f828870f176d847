"""One organization per person (issue 11): HQ and the portal refuse a user of another
organization with one message that does not say whose the address is, and neither an approval
nor an invitation ever moves a partner user's login."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from commerce.channel.models import PartnerUser, PartnerUserRequest
from commerce.models import (
    AuditEntry,
    Customer,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    Invitation,
    Prospect,
)
from commerce.services import invitation_create, prospect_approve
from core.access import COMMERCE_BACK_OFFICE
from tests.channel.portal_support import PASSWORD, approved_organization, partner_login, signed_in
from tests.factories import ProspectFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

User = get_user_model()
ONE_ORGANIZATION = (
    "This person cannot be added: a person can be a user of one organization only, and this "
    "email address is already in use. Ask them to contact us."
)
NEW_USER = {
    "first_name": "Anna",
    "last_name": "Nowak",
    "role": "user",
    "spending_limit": "",
    "language": "pl",
}


@pytest.fixture
def first():
    """Anna is the only admin of the first organization, with her password set."""
    organization = approved_organization(first_name="Anna", email="anna@pierwsza.pl")
    partner_login(organization.admin_email)
    return organization


@pytest.fixture
def second():
    return approved_organization(first_name="Bogdan", email="bogdan@druga.pl")


def _annas_login_is_untouched(first) -> None:
    user = User.objects.get(username="anna@pierwsza.pl")
    assert user.check_password(PASSWORD) and user.is_active
    link = PartnerUser.objects.get(user_id=user.pk)
    assert (link.hierarchy_id, link.account_number) == (first.hierarchy_id, first.admin_account)


def _members(organization) -> int:
    return HierarchyMember.objects.filter(hierarchy__hierarchy_id=organization.hierarchy_id).count()


def test_the_hq_api_refuses_a_user_of_another_organization_as_an_email_field_error(first, second):
    client = APIClient()
    client.force_authenticate(UserFactory(groups=[COMMERCE_BACK_OFFICE]))
    invitations = Invitation.objects.count()

    response = client.post(
        f"/api/commerce/customer-hierarchies/{second.hierarchy_id}/members/",
        {**NEW_USER, "spending_limit": None, "email": "ANNA@Pierwsza.pl"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"email": [ONE_ORGANIZATION]}
    assert _members(second) == 1 and Invitation.objects.count() == invitations
    assert (
        Customer.objects.filter(email__iexact="anna@pierwsza.pl", party_type="person").count() == 1
    )
    _annas_login_is_untouched(first)


def test_the_hq_console_refuses_with_the_same_message(client, first, second):
    client.force_login(UserFactory(is_staff=False, groups=[COMMERCE_BACK_OFFICE]))
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=second.hierarchy_id)

    response = client.post(
        reverse("hq:commerce_customerhierarchy_member_add", args=[hierarchy.pk]),
        {**NEW_USER, "email": "anna@pierwsza.pl"},
    )

    assert ONE_ORGANIZATION.replace("'", "&#x27;") in response.content.decode()
    assert _members(second) == 1


def test_the_portal_refuses_with_the_same_message_whoever_the_address_belongs_to(first, second):
    UserFactory(username="ewa@hq.example.com", groups=[COMMERCE_BACK_OFFICE])
    bogdan = signed_in(second.admin_email)

    for email in ("Anna@pierwsza.pl", "ewa@hq.example.com"):
        response = bogdan.post("/partner/organization/users/add/", {**NEW_USER, "email": email})
        html = response.content.decode()
        assert response.status_code == 200
        assert ONE_ORGANIZATION.replace("'", "&#x27;") in html, email
        # Nothing tells the admin where the address is used.
        assert "already exists on the B2B site" not in html
        assert "staff" not in html and "Pierwsza" not in html
    api = bogdan.post(
        "/api/channel/organization/users/",
        {**NEW_USER, "spending_limit": None, "email": "anna@pierwsza.pl"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json() == {"email": [ONE_ORGANIZATION]}
    assert not PartnerUserRequest.objects.exists()


def test_approving_a_sign_up_of_a_partner_user_never_moves_them(first):
    prospect = ProspectFactory(
        first_name="Anna", email="anna@pierwsza.pl", company_name="Trzecia sp. z o.o."
    )
    sent = EmailNotification.objects.count()

    prospect_approve(prospect_number=prospect.prospect_number, actor="backoffice")

    prospect = Prospect.objects.get(pk=prospect.pk)
    assert prospect.status == Prospect.Status.APPROVED
    assert "already a user of another organization" in prospect.status_reason
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=prospect.customer_hierarchy)
    assert not hierarchy.members.exists()
    assert not Invitation.objects.filter(hierarchy=hierarchy).exists()
    assert EmailNotification.objects.count() == sent
    assert AuditEntry.objects.filter(
        object_key=prospect.prospect_number, field="status_reason"
    ).exists()
    _annas_login_is_untouched(first)


def test_an_invitation_to_another_organization_never_moves_a_login(client, first, second):
    # An invitation made before the rule: Anna's email as a member of the second organization.
    hierarchy = CustomerHierarchy.objects.get(hierarchy_id=second.hierarchy_id)
    person = Customer.objects.create(
        account_number="C-777777",
        party_type=Customer.PartyType.PERSON,
        name="Anna Nowak",
        first_name="Anna",
        last_name="Nowak",
        email="Anna@Pierwsza.pl",
    )
    HierarchyMember.objects.create(hierarchy=hierarchy, customer=person)
    token = invitation_create(customer=person, hierarchy=hierarchy)

    response = client.post(
        f"/partner/invitation/{token}/",
        {"new_password1": "Inne-Haslo-2026!", "new_password2": "Inne-Haslo-2026!"},
    )

    assert response.status_code == 200
    assert "a person can be a user of one organization only" in response.content.decode()
    assert Invitation.objects.get(customer=person).used_at is None
    _annas_login_is_untouched(first)
