"""HQ's customer hierarchies and their members' buttons (commerce/admin/hierarchies.py)."""

from decimal import Decimal

import pytest

from commerce.models import AuditEntry, CustomerHierarchy, EmailNotification, HierarchyMember
from core.access import SALES_REPRESENTATIVES
from tests.factories import HierarchyMemberFactory, ProspectFactory, UserFactory

from .support import audit_trail_of, hierarchy_page, hq_url, member_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_hierarchy_detail_lists_its_members(back_office):
    prospect = ProspectFactory(first_name="Łucja", last_name="Kowalska")
    back_office.post(hq_url("commerce_prospect_approve", prospect.pk))
    hierarchy = CustomerHierarchy.objects.using("commerce").get()

    page = back_office.get(hq_url("commerce_customerhierarchy_change", hierarchy.pk))

    assert "Łucja Kowalska" in page.content.decode()
    assert "Admin" in page.content.decode()


def test_hierarchy_page_lists_members_with_role_limit_status_and_actions(back_office, admin_member):
    user = HierarchyMemberFactory(
        hierarchy=admin_member.hierarchy,
        role="user",
        status="pending",
        spending_limit=Decimal("2500.00"),
        customer__first_name="Łucja",
        customer__last_name="Żółkiewska",
        customer__name="Łucja Żółkiewska",
    )

    page = hierarchy_page(back_office, admin_member.hierarchy)

    assert "Jiří Kůň" in page and "Łucja Żółkiewska" in page
    assert "2500.00" in page and "No limit" in page
    assert "Pending" in page and "Active" in page
    assert hq_url("commerce_customerhierarchy_member_add", admin_member.hierarchy.pk) in page
    assert member_url("change", user) in page
    assert member_url("remove", user) in page


def test_back_office_adds_a_member_through_the_intermediate_form(back_office, admin_member):
    hierarchy = admin_member.hierarchy
    form = back_office.get(hq_url("commerce_customerhierarchy_member_add", hierarchy.pk))

    response = back_office.post(
        hq_url("commerce_customerhierarchy_member_add", hierarchy.pk),
        {
            "first_name": "Žofie",
            "last_name": "Dvořáková",
            "email": "zofie@kun.cz",
            "role": "user",
            "spending_limit": "1200.50",
            "language": "cs",
        },
        follow=True,
    )

    assert "Add a user to Žluťoučký kůň s.r.o." in form.content.decode()
    member = HierarchyMember.objects.using("commerce").get(customer__email="zofie@kun.cz")
    assert (member.customer.first_name, member.customer.last_name) == ("Žofie", "Dvořáková")
    assert (member.role, member.status, member.spending_limit) == (
        "user",
        "pending",
        Decimal("1200.50"),
    )
    email = EmailNotification.objects.using("commerce").get(recipient="zofie@kun.cz")
    assert (email.type, email.language) == (EmailNotification.Type.PARTNER_USER_INVITED, "cs")
    page = response.content.decode()
    assert "Žofie Dvořáková" in page
    assert "the invitation to zofie@kun.cz is queued" in page
    assert "<td>ewa.backoffice</td>" in audit_trail_of(page)


def test_adding_a_duplicate_email_shows_the_refusal_and_adds_nothing(back_office, admin_member):
    hierarchy = admin_member.hierarchy

    response = back_office.post(
        hq_url("commerce_customerhierarchy_member_add", hierarchy.pk),
        {
            "first_name": "Jiří",
            "last_name": "Kůň",
            "email": admin_member.customer.email.upper(),
            "role": "admin",
            "language": "cs",
        },
    )

    assert "is already a user of Žluťoučký kůň s.r.o." in response.content.decode()
    assert HierarchyMember.objects.using("commerce").filter(hierarchy=hierarchy).count() == 1


def test_a_bad_spending_limit_is_a_field_error(back_office, admin_member):
    response = back_office.post(
        hq_url("commerce_customerhierarchy_member_add", admin_member.hierarchy.pk),
        {
            "first_name": "Jan",
            "last_name": "Novák",
            "email": "jan@kun.cz",
            "role": "user",
            "spending_limit": "-5",
            "language": "cs",
        },
    )

    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not HierarchyMember.objects.using("commerce").filter(customer__email="jan@kun.cz")


def test_changing_role_and_limit_is_saved_and_audited(back_office, admin_member):
    user = HierarchyMemberFactory(hierarchy=admin_member.hierarchy, role="user")

    response = back_office.post(
        member_url("change", user),
        {
            "first_name": user.customer.first_name,
            "last_name": user.customer.last_name,
            "role": "admin",
            "spending_limit": "300",
        },
        follow=True,
    )

    user.refresh_from_db()
    assert (user.role, user.spending_limit) == ("admin", Decimal("300.00"))
    page = response.content.decode()
    assert f"The changes to {user.customer.name} are saved." in page
    trail = audit_trail_of(page)
    assert "<td>ewa.backoffice</td>" in trail
    assert "<td>role</td>" in trail and "<td>user</td>" in trail and "<td>admin</td>" in trail
    assert "<td>300.00</td>" in trail


def test_removing_a_member_marks_them_removed(back_office, admin_member):
    user = HierarchyMemberFactory(hierarchy=admin_member.hierarchy, role="user")
    confirm = back_office.get(member_url("remove", user))

    response = back_office.post(
        member_url("remove", user), {"reason": "Odešel z firmy"}, follow=True
    )

    user.refresh_from_db()
    assert user.status == "removed"
    assert "loses access to the B2B site" in confirm.content.decode()
    assert f"{user.customer.name} is removed from Žluťoučký kůň s.r.o." in response.content.decode()
    assert member_url("remove", user) not in response.content.decode()


def test_removing_or_demoting_the_last_admin_is_refused_with_a_message(back_office, admin_member):
    removal = back_office.post(member_url("remove", admin_member), {}, follow=True)
    demotion = back_office.post(
        member_url("change", admin_member),
        {"first_name": "Jiří", "last_name": "Kůň", "role": "user", "spending_limit": ""},
    )

    admin_member.refresh_from_db()
    assert (admin_member.role, admin_member.status) == ("admin", "active")
    refusal = (
        "Jiří Kůň is the last admin of Žluťoučký kůň s.r.o.; make another user an admin first."
    )
    assert refusal in removal.content.decode()
    assert refusal in demotion.content.decode()
    assert not AuditEntry.objects.using("commerce").exists()


def test_a_sales_rep_cannot_add_members(client, admin_member):
    client.force_login(UserFactory(groups=[SALES_REPRESENTATIVES]))

    response = client.post(
        hq_url("commerce_customerhierarchy_member_add", admin_member.hierarchy.pk),
        {"first_name": "X", "last_name": "Y", "email": "x@y.cz", "role": "admin", "language": "cs"},
    )

    assert response["Location"].startswith("/hq/login/")
    assert HierarchyMember.objects.using("commerce").count() == 1
