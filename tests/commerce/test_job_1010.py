"""Job 1010 Customers: HQ's hierarchies, customers and members copied to the B2B site (SPEC §6)."""

from decimal import Decimal

import pytest

from commerce.apps import CommerceConfig
from commerce.channel.models import (
    ChannelCustomer,
    ChannelHierarchy,
    ChannelHierarchyMember,
    PartnerUserRequest,
)
from commerce.jobs import JOBS, job_execute, job_lookup
from commerce.models import (
    ChannelRequest,
    Customer,
    HierarchyMember,
    JobRun,
    TransitionLog,
)
from commerce.services import (
    customer_credit_limit_set,
    hierarchy_member_add,
    hierarchy_member_change,
    hierarchy_member_remove,
)
from tests.channel.portal_support import approved_organization

pytestmark = pytest.mark.django_db(databases="__all__")


def _rows(model) -> list[tuple]:
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "copied_at")]
    return sorted(model.objects.using("channel").values_list(*fields))


def _snapshot() -> tuple:
    return tuple(_rows(m) for m in (ChannelCustomer, ChannelHierarchy, ChannelHierarchyMember))


def _add(organization, n: int, **changes) -> HierarchyMember:
    values = {
        "hierarchy_id": organization.hierarchy_id,
        "first_name": "Jiří",
        "last_name": f"Dvořák {n}",
        "email": f"jiri{n}@kun.cz",
        "role": "user",
        "spending_limit": Decimal("1500.50"),
        "language": "cs",
        "actor": "backoffice",
        **changes,
    }
    return hierarchy_member_add(**values)


def test_1010_is_a_registered_and_scheduled_job():
    job = job_lookup("1010")
    assert (job.code, job.slug, job.name) == ("1010", "1010", "1010 Customers")
    assert JOBS["1010"] is job
    schedule = CommerceConfig.periodic_tasks(None)  # type: ignore[arg-type]
    assert schedule["1010 Customers"] == ("commerce.job_run", ["1010", "schedule"])


def test_copies_the_hierarchy_its_organization_and_admin_and_activates_the_admin():
    organization = approved_organization(copy=False, company_name="Žluťoučký kůň s.r.o.")
    member = HierarchyMember.objects.get()
    assert member.status == HierarchyMember.Status.PENDING

    run = job_execute(code="1010")

    member.refresh_from_db()
    assert member.status == HierarchyMember.Status.ACTIVE
    log = TransitionLog.objects.get(object_key=member.transition_key, transition="activate")
    assert (log.source_state, log.target_state, log.actor) == ("pending", "active", "job 1010")
    hierarchy = ChannelHierarchy.objects.get(hierarchy_id=organization.hierarchy_id)
    assert hierarchy.name == "Žluťoučký kůň s.r.o."
    assert hierarchy.organization.account_number == organization.prospect.organization_customer
    assert hierarchy.organization.party_type == "organization"
    copy = ChannelHierarchyMember.objects.select_related("customer").get()
    assert copy.customer_id == organization.admin_account
    assert (copy.role, copy.status, copy.spending_limit) == ("admin", "active", None)
    person = copy.customer
    prospect = organization.prospect
    assert (person.first_name, person.last_name, person.email, person.language) == (
        prospect.first_name,
        prospect.last_name,
        prospect.email,
        "pl",
    )
    # organization, person, hierarchy and member, the activation included
    assert (run.rows, run.errors, run.outcome) == (4, 0, JobRun.Outcome.SUCCEEDED)


def test_running_twice_gives_the_same_rows_and_the_second_run_writes_nothing():
    organization = approved_organization(copy=False)
    _add(organization, 1)
    first = job_execute(code="1010")
    snapshot = _snapshot()

    second = job_execute(code="1010")

    assert _snapshot() == snapshot
    assert first.rows > 0 and second.rows == 0
    assert ChannelHierarchyMember.objects.count() == 2
    assert ChannelCustomer.objects.count() == 3


def test_copies_in_batches():
    organizations = [approved_organization(copy=False) for _ in range(3)]
    for n in range(4):
        _add(organizations[n % 3], n)

    run = job_execute(code="1010", batch_size=2)

    assert ChannelHierarchy.objects.count() == 3
    assert ChannelHierarchyMember.objects.count() == 7
    assert set(ChannelHierarchyMember.objects.values_list("status", flat=True)) == {"active"}
    assert not HierarchyMember.objects.filter(status="pending").exists()
    assert run.outcome == JobRun.Outcome.SUCCEEDED


def test_copies_changes_removals_and_credit():
    organization = approved_organization()
    member = _add(organization, 1)
    job_execute(code="1010")
    account = member.customer.account_number

    hierarchy_member_change(
        hierarchy_id=organization.hierarchy_id,
        account_number=account,
        actor="backoffice",
        values={"first_name": "Jiřina", "role": "admin", "spending_limit": None},
    )
    customer_credit_limit_set(
        account_number=organization.prospect.organization_customer,
        credit_limit=Decimal("25000"),
        currency="CZK",
        credit_limit_type=Customer.CreditLimitType.BALANCE,
        actor="backoffice",
    )
    Customer.objects.filter(account_number=organization.prospect.organization_customer).update(
        balance=Decimal("1200.25")
    )
    job_execute(code="1010")

    copy = ChannelHierarchyMember.objects.select_related("customer").get(customer_id=account)
    assert (copy.customer.first_name, copy.role, copy.spending_limit) == ("Jiřina", "admin", None)
    credit = ChannelCustomer.objects.get(account_number=organization.prospect.organization_customer)
    assert (credit.credit_limit, credit.currency, credit.credit_limit_type) == (
        Decimal("25000.00"),
        "CZK",
        "balance",
    )
    assert (credit.balance, credit.available_credit) == (Decimal("1200.25"), Decimal("23799.75"))

    hierarchy_member_remove(
        hierarchy_id=organization.hierarchy_id, account_number=account, actor="backoffice"
    )
    job_execute(code="1010")
    copy.refresh_from_db()
    assert copy.status == "removed" and not copy.has_access


def test_a_revocation_on_the_site_survives_the_copy_of_a_still_active_member():
    organization = approved_organization()
    member = _add(organization, 1)
    job_execute(code="1010")
    ChannelHierarchyMember.objects.filter(customer_id=member.customer.account_number).update(
        access_revoked_at="2026-01-01T00:00:00Z"
    )

    job_execute(code="1010")

    copy = ChannelHierarchyMember.objects.get(customer_id=member.customer.account_number)
    assert copy.status == "active"
    assert copy.access_revoked_at is not None and not copy.has_access


def test_approval_kicks_1010_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(using="commerce", execute=True):
        organization = approved_organization(copy=False)

    copy = ChannelHierarchyMember.objects.get(customer_id=organization.admin_account)
    assert copy.status == "active"
    assert JobRun.objects.filter(job="1010", trigger="commit").exists()


def test_brings_back_hqs_verdict_on_partner_user_requests():
    organization = approved_organization()
    good = PartnerUserRequest.objects.create(
        hierarchy_id=organization.hierarchy_id,
        action="add",
        first_name="Jan",
        last_name="Novák",
        email="jan@kun.cz",
        role="user",
        language="cs",
        requested_by=organization.admin_email,
    )
    refused = PartnerUserRequest.objects.create(
        hierarchy_id=organization.hierarchy_id,
        action="remove",
        account_number=organization.admin_account,
        email=organization.admin_email,
        requested_by=organization.admin_email,
    )
    job_execute(code="P-0001")
    assert ChannelRequest.objects.filter(request_type="partner_user").count() == 2
    job_execute(code="sync-channel-requests")

    job_execute(code="1010")

    good.refresh_from_db()
    refused.refresh_from_db()
    assert good.status == PartnerUserRequest.Status.APPLIED and good.completed_at
    assert ChannelHierarchyMember.objects.filter(
        customer__email="jan@kun.cz", status="active"
    ).exists()
    assert refused.status == PartnerUserRequest.Status.FAILED
    assert "last admin" in refused.error
    assert not refused.error.startswith("NotAllowed")
