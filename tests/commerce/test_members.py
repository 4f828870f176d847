"""Hierarchy members and credit limits: services, refusals, the last-admin rule and the audit."""

from decimal import Decimal

import pytest

from commerce.channel.models import ChannelHierarchyMember
from commerce.models import (
    AuditEntry,
    Customer,
    EmailNotification,
    HierarchyMember,
    Invitation,
    JobRun,
    TransitionLog,
)
from commerce.selectors import email_notification_content
from commerce.services import (
    customer_credit_limit_set,
    hierarchy_member_add,
    hierarchy_member_change,
    hierarchy_member_remove,
)
from core.errors import NotAllowed, NotFound, ServiceError
from tests.factories import CustomerFactory, HierarchyMemberFactory, PersonCustomerFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def admin():
    """The only admin of a Czech organization's hierarchy."""
    return HierarchyMemberFactory(hierarchy__organization__name="Žluťoučký kůň s.r.o.")


def _add(hierarchy_id: str, **overrides) -> HierarchyMember:
    values = {
        "first_name": "Łucja",
        "last_name": "Żółkiewska",
        "email": "lucja@lodz.pl",
        "role": "user",
        "spending_limit": Decimal("1500.50"),
        "language": "pl",
        "actor": "anna.backoffice",
    }
    return hierarchy_member_add(hierarchy_id=hierarchy_id, **{**values, **overrides})


def _snapshot() -> tuple:
    """Row counts of everything a member service may write."""
    return tuple(
        model.objects.using("commerce").count()
        for model in (Customer, HierarchyMember, Invitation, EmailNotification, AuditEntry)
    )


def _audit(key: str) -> dict[str, tuple[str, str, str]]:
    return {
        entry.field: (entry.old_value, entry.new_value, entry.actor)
        for entry in AuditEntry.objects.filter(object_key=key)
    }


# --- add --------------------------------------------------------------------------------------


def test_add_creates_person_pending_member_invitation_email_and_audit(admin):
    hierarchy = admin.hierarchy

    member = _add(hierarchy.hierarchy_id)

    member.refresh_from_db()
    person = member.customer
    assert person.party_type == Customer.PartyType.PERSON
    assert person.account_number.startswith("C-")
    assert (person.first_name, person.last_name, person.name) == (
        "Łucja",
        "Żółkiewska",
        "Łucja Żółkiewska",
    )
    assert person.language == "pl"
    assert (member.hierarchy, member.role, member.status) == (hierarchy, "user", "pending")
    assert member.spending_limit == Decimal("1500.50")
    assert Invitation.objects.get(customer=person).hierarchy == hierarchy
    email = EmailNotification.objects.get(type=EmailNotification.Type.PARTNER_USER_INVITED)
    assert email.recipient == "lucja@lodz.pl"
    assert email.language == "pl"
    assert (
        email.event_key == f"partner_user_invited:{hierarchy.hierarchy_id}/{person.account_number}"
    )
    assert "Žluťoučký kůň s.r.o." in email_notification_content(email).body_text
    assert "/partner/invitation/" in email_notification_content(email).body_text
    assert _audit(f"{hierarchy.hierarchy_id}/{person.account_number}") == {
        "status": ("", "pending", "anna.backoffice"),
        "role": ("", "user", "anna.backoffice"),
        "spending_limit": ("", "1500.50", "anna.backoffice"),
    }
    assert _audit(person.account_number)["last_name"] == ("", "Żółkiewska", "anna.backoffice")


def test_add_without_spending_limit_means_no_limit(admin):
    member = _add(admin.hierarchy.hierarchy_id, spending_limit=None, role="admin")

    member.refresh_from_db()
    assert member.spending_limit is None
    assert member.role == "admin"


def test_add_accepts_an_email_of_a_removed_member_again(admin):
    removed = HierarchyMemberFactory(
        hierarchy=admin.hierarchy, role="user", status="removed", customer__email="lucja@lodz.pl"
    )

    member = _add(admin.hierarchy.hierarchy_id, email="LUCJA@lodz.pl")

    assert member.customer != removed.customer
    assert member.status == "pending"


@pytest.mark.parametrize(
    ("overrides", "error", "code"),
    [
        ({"email": "JIRI.ADMIN@kun.cz"}, NotAllowed, "duplicate_email"),
        ({"role": "owner"}, ServiceError, "invalid_role"),
        ({"spending_limit": Decimal("-0.01")}, ServiceError, "invalid_spending_limit"),
        ({"spending_limit": Decimal("1000000000000")}, ServiceError, "invalid_spending_limit"),
        ({"spending_limit": Decimal("10.001")}, ServiceError, "invalid_spending_limit"),
        ({"spending_limit": "lots"}, ServiceError, "invalid_spending_limit"),
        ({"spending_limit": Decimal("NaN")}, ServiceError, "invalid_spending_limit"),
        ({"language": "de"}, ServiceError, "language"),
        ({"email": "not-an-email"}, ServiceError, "invalid"),
        ({"email": ""}, ServiceError, "invalid"),
        ({"first_name": None}, ServiceError, "invalid"),
        ({"role": ["admin"]}, ServiceError, "invalid_role"),
        ({"language": ["pl"]}, ServiceError, "language"),
        ({"first_name": "  "}, ServiceError, "invalid"),
        ({"last_name": "Line\nbreak"}, ServiceError, "invalid"),
        ({"first_name": "Ł" * 81}, ServiceError, "invalid"),
    ],
)
def test_add_refuses_bad_input_and_changes_nothing(admin, overrides, error, code):
    admin.customer.email = "jiri.admin@kun.cz"
    admin.customer.save()
    before = _snapshot()

    with pytest.raises(error) as refused:
        _add(admin.hierarchy.hierarchy_id, **overrides)

    assert refused.value.code == code
    assert str(refused.value.message)
    assert _snapshot() == before


def test_add_names_the_field_of_a_bad_name(admin):
    with pytest.raises(ServiceError) as refused:
        _add(admin.hierarchy.hierarchy_id, first_name="")

    assert refused.value.details == {"errors": {"first_name": ["This field is required."]}}
    assert "First name" in str(refused.value.message)


def test_add_to_an_unknown_hierarchy_is_not_found():
    before = _snapshot()

    with pytest.raises(NotFound, match="H-404404"):
        _add("H-404404")

    assert _snapshot() == before


def test_largest_spending_limit_is_accepted(admin):
    member = _add(admin.hierarchy.hierarchy_id, spending_limit=Decimal("999999999999.99"))

    member.refresh_from_db()
    assert member.spending_limit == Decimal("999999999999.99")


# --- change -----------------------------------------------------------------------------------


def test_change_names_role_and_limit_is_audited(admin):
    user = HierarchyMemberFactory(
        hierarchy=admin.hierarchy, role="user", spending_limit=Decimal("100.00")
    )
    old_last_name = user.customer.last_name

    hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=user.customer.account_number,
        actor="anna.backoffice",
        values={
            "first_name": "Žofie",
            "last_name": "Kůňová",
            "role": "admin",
            "spending_limit": None,
        },
    )

    user.refresh_from_db()
    user.customer.refresh_from_db()
    assert (user.role, user.spending_limit) == ("admin", None)
    assert user.customer.name == "Žofie Kůňová"
    assert _audit(user.transition_key) == {
        "role": ("user", "admin", "anna.backoffice"),
        "spending_limit": ("100.00", "", "anna.backoffice"),
    }
    assert _audit(user.customer.account_number) == {
        "first_name": ("Jiří", "Žofie", "anna.backoffice"),
        "last_name": (old_last_name, "Kůňová", "anna.backoffice"),
    }


def test_change_without_a_difference_writes_no_audit(admin):
    hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=admin.customer.account_number,
        actor="anna.backoffice",
        values={"role": "admin", "first_name": admin.customer.first_name},
    )

    assert not AuditEntry.objects.exists()


def test_a_limit_change_leaves_a_name_from_sales_as_it_is(admin):
    user = HierarchyMemberFactory(
        hierarchy=admin.hierarchy, role="user", customer__name="Ing. Jiří Dvořák, Ph.D."
    )

    hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=user.customer.account_number,
        actor="anna.backoffice",
        values={"spending_limit": "99.90"},
    )

    user.refresh_from_db()
    user.customer.refresh_from_db()
    assert user.spending_limit == Decimal("99.90")
    assert user.customer.name == "Ing. Jiří Dvořák, Ph.D."


def test_demoting_the_last_admin_is_refused(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user")

    with pytest.raises(NotAllowed, match=r"last admin of Žluťoučký kůň s\.r\.o\.") as refused:
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
            values={"role": "user", "spending_limit": Decimal("5")},
        )

    assert refused.value.code == "last_admin"
    admin.refresh_from_db()
    assert (admin.role, admin.spending_limit) == ("admin", None)
    assert not AuditEntry.objects.exists()


def test_a_removed_admin_does_not_count_as_the_other_admin(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="admin", status="removed")

    with pytest.raises(NotAllowed):
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
            values={"role": "user"},
        )


def test_demoting_an_admin_is_allowed_while_a_pending_admin_remains(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="admin", status="pending")

    member = hierarchy_member_change(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=admin.customer.account_number,
        actor="anna.backoffice",
        values={"role": "user"},
    )

    assert member.role == "user"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"email": "x@kun.cz"}, "unknown_fields"),
        ({"role": "owner"}, "invalid_role"),
        ({"spending_limit": Decimal("-1")}, "invalid_spending_limit"),
        ({"last_name": ""}, "invalid"),
    ],
)
def test_change_refuses_bad_values_and_changes_nothing(admin, values, code):
    before = (admin.role, admin.customer.last_name)

    with pytest.raises(ServiceError) as refused:
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
            values=values,
        )

    assert refused.value.code == code
    admin.refresh_from_db()
    admin.customer.refresh_from_db()
    assert (admin.role, admin.customer.last_name) == before
    assert not AuditEntry.objects.exists()


def test_change_of_someone_outside_the_hierarchy_is_not_found(admin):
    stranger = HierarchyMemberFactory()

    with pytest.raises(NotFound):
        hierarchy_member_change(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=stranger.customer.account_number,
            actor="anna.backoffice",
            values={"role": "user"},
        )


# --- remove -----------------------------------------------------------------------------------


def test_remove_logs_the_transition_and_the_audit(admin):
    user = HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user")

    hierarchy_member_remove(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=user.customer.account_number,
        actor="anna.backoffice",
        reason="Left the company",
    )

    user.refresh_from_db()
    assert user.status == "removed"
    log = TransitionLog.objects.get(object_key=user.transition_key)
    assert (log.transition, log.actor, log.reason) == (
        "remove",
        "anna.backoffice",
        "Left the company",
    )
    assert _audit(user.transition_key) == {"status": ("active", "removed", "anna.backoffice")}


def test_removing_the_last_admin_is_refused(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user")

    with pytest.raises(NotAllowed) as refused:
        hierarchy_member_remove(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=admin.customer.account_number,
            actor="anna.backoffice",
        )

    assert refused.value.code == "last_admin"
    admin.refresh_from_db()
    assert admin.status == "active"
    assert not TransitionLog.objects.exists()


def test_an_admin_can_be_removed_while_another_admin_remains(admin):
    HierarchyMemberFactory(hierarchy=admin.hierarchy, role="admin")

    member = hierarchy_member_remove(
        hierarchy_id=admin.hierarchy.hierarchy_id,
        account_number=admin.customer.account_number,
        actor="anna.backoffice",
    )

    assert member.status == "removed"


def test_removing_twice_is_not_found(admin):
    user = HierarchyMemberFactory(hierarchy=admin.hierarchy, role="user", status="removed")

    with pytest.raises(NotFound):
        hierarchy_member_remove(
            hierarchy_id=admin.hierarchy.hierarchy_id,
            account_number=user.customer.account_number,
            actor="anna.backoffice",
        )


# --- credit limits ----------------------------------------------------------------------------


def test_credit_limit_set_is_audited_and_gives_available_credit():
    organization = CustomerFactory(balance=Decimal("250.00"))

    customer_credit_limit_set(
        account_number=organization.account_number,
        credit_limit=Decimal("10000"),
        currency="pln",
        credit_limit_type="balance",
        actor="anna.backoffice",
    )

    organization.refresh_from_db()
    assert organization.credit_limit == Decimal("10000.00")
    assert organization.currency == "PLN"
    assert organization.available_credit == Decimal("9750.00")
    assert _audit(organization.account_number) == {
        "credit_limit": ("0.00", "10000.00", "anna.backoffice"),
        "currency": ("EUR", "PLN", "anna.backoffice"),
        "credit_limit_type": ("none", "balance", "anna.backoffice"),
    }


def test_no_available_credit_without_a_balance_limit():
    assert CustomerFactory(credit_limit=Decimal("5")).available_credit is None


@pytest.mark.parametrize(
    ("values", "error", "code"),
    [
        ({"credit_limit": Decimal("-1")}, ServiceError, "invalid_credit_limit"),
        ({"credit_limit": Decimal("1e12")}, ServiceError, "invalid_credit_limit"),
        ({"credit_limit_type": "orders"}, ServiceError, "invalid_credit_limit_type"),
        ({"currency": "EURO"}, ServiceError, "invalid"),
        ({"currency": "€"}, ServiceError, "invalid"),
    ],
)
def test_credit_limit_set_refuses_bad_values(values, error, code):
    organization = CustomerFactory()
    arguments = {"credit_limit": Decimal("1"), "currency": "CZK", "credit_limit_type": "none"}

    with pytest.raises(error) as refused:
        customer_credit_limit_set(
            account_number=organization.account_number,
            actor="anna.backoffice",
            **{**arguments, **values},
        )

    assert refused.value.code == code
    organization.refresh_from_db()
    assert (organization.credit_limit, organization.currency) == (Decimal("0"), "EUR")
    assert not AuditEntry.objects.exists()


def test_credit_limit_is_refused_for_a_person_and_an_unknown_customer():
    person = PersonCustomerFactory()
    arguments = {
        "credit_limit": Decimal("1"),
        "currency": "CZK",
        "credit_limit_type": "none",
        "actor": "anna.backoffice",
    }

    with pytest.raises(NotAllowed) as refused:
        customer_credit_limit_set(account_number=person.account_number, **arguments)
    with pytest.raises(NotFound):
        customer_credit_limit_set(account_number="C-404404", **arguments)

    assert refused.value.code == "not_organization"
    assert not AuditEntry.objects.exists()


def test_a_committed_change_runs_job_1010_which_brings_it_to_the_site(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(using="commerce", execute=True):
        member = _add(admin.hierarchy.hierarchy_id)

    member.refresh_from_db()
    assert JobRun.objects.filter(job="1010", trigger="commit").exists()
    assert member.status == "active"
    copy = ChannelHierarchyMember.objects.using("channel").get(
        customer_id=member.customer.account_number
    )
    assert (copy.customer.last_name, copy.spending_limit) == ("Żółkiewska", Decimal("1500.50"))
