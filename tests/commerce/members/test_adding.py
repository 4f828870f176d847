"""Adding a hierarchy member: person, pending member, invitation, audit; refusals; job 1010."""

from decimal import Decimal

import pytest

from commerce.channel.models import ChannelHierarchyMember
from commerce.models import Customer, EmailNotification, Invitation, JobRun
from commerce.selectors import email_notification_content
from core.errors import NotAllowed, NotFound, ServiceError
from tests.commerce.members.support import _add, _audit, _snapshot
from tests.factories import HierarchyMemberFactory

pytestmark = pytest.mark.django_db(databases="__all__")


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
