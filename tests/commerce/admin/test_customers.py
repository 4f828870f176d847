"""HQ's customers, credit limits and the audit trail (commerce/admin/customers.py, logs.py)."""

from decimal import Decimal

import pytest

from commerce.models import AuditEntry
from tests.factories import CustomerFactory, HierarchyMemberFactory, PersonCustomerFactory

from .support import audit_trail_of, hq_url, member_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_customers_filter_by_party_type(back_office):
    organization = CustomerFactory()
    person = CustomerFactory(party_type="person", name="Łucja Nowak")

    page = back_office.get("/hq/commerce/customer/", {"party_type__exact": "person"})

    assert "Łucja Nowak" in page.content.decode()
    assert organization.account_number not in page.content.decode()
    assert person.account_number in page.content.decode()


def test_credit_limit_is_edited_through_the_service_and_shown_with_its_audit(back_office):
    organization = CustomerFactory(name="Hurtownia Łódź", balance=Decimal("400.00"))
    form = back_office.get(hq_url("commerce_customer_credit_limit", organization.pk))

    response = back_office.post(
        hq_url("commerce_customer_credit_limit", organization.pk),
        {"credit_limit": "5000", "currency": "PLN", "credit_limit_type": "balance"},
        follow=True,
    )

    organization.refresh_from_db()
    assert (organization.credit_limit, organization.currency, organization.credit_limit_type) == (
        Decimal("5000.00"),
        "PLN",
        "balance",
    )
    assert "Credit limit of Hurtownia Łódź" in form.content.decode()
    assert "The open balance is 400.00 EUR" in form.content.decode()
    page = response.content.decode()
    assert "The credit limit of Hurtownia Łódź is saved." in page
    assert "4,600.00 PLN" in page  # available credit, in the reader's format
    trail = audit_trail_of(page)
    assert "<td>ewa.backoffice</td>" in trail
    assert "<td>credit_limit_type</td>" in trail and "<td>balance</td>" in trail
    assert "<td>5000.00</td>" in trail


def test_a_bad_currency_changes_nothing(back_office):
    organization = CustomerFactory()

    response = back_office.post(
        hq_url("commerce_customer_credit_limit", organization.pk),
        {"credit_limit": "5000", "currency": "zł!", "credit_limit_type": "balance"},
    )

    organization.refresh_from_db()
    assert "three-letter ISO 4217 code" in response.content.decode()
    assert (organization.credit_limit, organization.currency) == (Decimal("0.00"), "EUR")


def test_a_person_has_no_credit_limit(back_office):
    person = PersonCustomerFactory()

    page = back_office.get(hq_url("commerce_customer_change", person.pk)).content.decode()
    refused = back_office.get(hq_url("commerce_customer_credit_limit", person.pk), follow=True)

    assert hq_url("commerce_customer_credit_limit", person.pk) not in page
    assert "Credit limits are kept on organizations" in refused.content.decode()


def test_organization_page_shows_credit_balance_and_available_credit(back_office):
    organization = CustomerFactory(
        credit_limit=Decimal("1000"), balance=Decimal("250.5"), credit_limit_type="balance"
    )

    page = back_office.get(hq_url("commerce_customer_change", organization.pk)).content.decode()

    # In the reader's format: grouped thousands (English here).
    assert "1,000.00" in page and "250.50" in page and "749.50 EUR" in page
    assert hq_url("commerce_customer_credit_limit", organization.pk) in page


def test_audit_list_is_read_only_and_searchable_by_key(back_office, admin_member):
    wanted = HierarchyMemberFactory(hierarchy=admin_member.hierarchy, role="user")
    other = HierarchyMemberFactory(role="user")
    for member in (wanted, other):
        back_office.post(
            member_url("change", member),
            {"first_name": "Ola", "last_name": "Łódź", "role": "user", "spending_limit": "9"},
        )

    page = back_office.get("/hq/commerce/auditentry/", {"q": wanted.hierarchy.hierarchy_id})

    assert wanted.transition_key in page.content.decode()
    assert other.transition_key not in page.content.decode()
    assert "Audit trail" in page.content.decode()
    entry = AuditEntry.objects.using("commerce").first()
    assert back_office.post(hq_url("commerce_auditentry_change", entry.pk), {}).status_code == 403
    assert back_office.get("/hq/commerce/auditentry/add/").status_code == 403


def test_customer_list_shows_type_credit_currency_and_blocked(back_office):
    CustomerFactory(credit_limit=Decimal("12500.5"), currency="PLN", blocked=True)
    PersonCustomerFactory()

    page = back_office.get("/hq/commerce/customer/").content.decode()

    header = page[page.index("<thead>") : page.index("</thead>")]
    for column in ("Type", "Credit limit", "Currency", "Blocked"):
        assert column in header
    assert "Credit limit type" not in header and "Balance" not in header
    assert "12,500.50" in page and "PLN" in page
    assert "Organization" in page and "Person" in page
    assert 'alt="True"' in page  # blocked


def test_customer_page_names_the_language(back_office):
    customer = CustomerFactory(language="cs")

    page = back_office.get(hq_url("commerce_customer_change", customer.pk)).content.decode()
    czech = back_office.get(
        hq_url("commerce_customer_change", customer.pk), HTTP_ACCEPT_LANGUAGE="cs"
    ).content.decode()

    assert '<div class="readonly">Czech</div>' in page
    assert (
        '<div class="readonly">česky</div>' in czech
        or '<div class="readonly">čeština</div>' in czech
    )


def test_audit_list_names_the_changed_field(back_office):
    organization = CustomerFactory(credit_limit=Decimal("100"))
    back_office.post(
        hq_url("commerce_customer_credit_limit", organization.pk),
        {"credit_limit": "5000", "currency": "EUR", "credit_limit_type": "balance"},
    )

    page = back_office.get("/hq/commerce/auditentry/").content.decode()

    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert ">Credit limit<" in rows and ">Customer<" in rows
    assert "commerce.customer" not in rows
