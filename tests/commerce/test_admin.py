"""The Commerce HQ console at /hq/: who gets in, what the lists show, and the HQ actions."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from commerce.models import (
    AuditEntry,
    ChannelRequest,
    CustomerHierarchy,
    EmailNotification,
    HierarchyMember,
    JobRun,
    Prospect,
    TransitionLog,
)
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from tests.factories import (
    ChannelRequestFactory,
    CustomerFactory,
    EmailNotificationFactory,
    HierarchyMemberFactory,
    JobRunFactory,
    PersonCustomerFactory,
    ProspectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

PROSPECTS_URL = "/hq/commerce/prospect/"


def _url(name: str, *args) -> str:
    return reverse(f"hq:{name}", args=args)


def _prospect(number: str) -> Prospect:
    return Prospect.objects.using("commerce").get(prospect_number=number)


@pytest.fixture
def back_office(client):
    # No staff flag and no model permissions: the group alone opens the console.
    user = UserFactory(username="ewa.backoffice", is_staff=False, groups=[COMMERCE_BACK_OFFICE])
    client.force_login(user)
    return client


# --- access -----------------------------------------------------------------------------------


def test_back_office_sees_all_prospects_with_unicode_company(back_office):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.", first_name="Łucja")

    page = back_office.get(PROSPECTS_URL).content.decode()

    assert "All prospects" in page
    assert prospect.prospect_number in page
    assert "Žluťoučký kůň s.r.o." in page
    assert "Łucja Żółkiewska" in page
    assert "Poland" in page


def test_the_country_filter_offers_the_countries_of_the_prospects_and_filters(back_office):
    ProspectFactory(country="CZ", company_name="Kůň s.r.o.")
    ProspectFactory(country="DE", company_name="Pferd GmbH")

    page = back_office.get(PROSPECTS_URL).content.decode()
    czech = back_office.get(PROSPECTS_URL, {"country": "CZ"}).content.decode()

    countries = page[page.index('id="changelist-filter"') :]
    assert "?country=CZ" in countries and "?country=DE" in countries
    assert "?country=PL" not in countries and "?country=FR" not in countries
    assert countries.index("Czechia") < countries.index("Germany")
    assert "Kůň s.r.o." in czech and "Pferd GmbH" not in czech


@pytest.mark.parametrize("groups", [[SALES_REPRESENTATIVES], []])
def test_sales_rep_and_other_users_are_sent_to_the_hq_login(client, groups):
    prospect = ProspectFactory()
    client.force_login(UserFactory(groups=groups))

    response = client.get(PROSPECTS_URL)
    login_page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"].startswith("/hq/login/")
    assert "not authorized to access this page" in login_page
    assert prospect.prospect_number not in login_page


def test_anonymous_visitor_is_sent_to_the_hq_login(client):
    prospect = ProspectFactory()

    response = client.get(_url("commerce_prospect_change", prospect.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/hq/login/?next=")


def test_sales_rep_cannot_approve(client):
    prospect = ProspectFactory()
    client.force_login(UserFactory(groups=[SALES_REPRESENTATIVES]))

    client.post(_url("commerce_prospect_approve", prospect.pk))

    assert _prospect(prospect.prospect_number).status == Prospect.Status.NEW


def test_hq_login_admits_back_office_without_staff_flag_and_refuses_a_rep(client):
    UserFactory(username="ewa", is_staff=False, groups=[COMMERCE_BACK_OFFICE])
    UserFactory(username="rep", is_staff=True, groups=[SALES_REPRESENTATIVES])
    password = "correct horse battery staple"

    refused = client.post("/hq/login/", {"username": "rep", "password": password})
    assert "Commerce HQ account" in refused.content.decode()
    assert client.get("/hq/").status_code == 302

    # The login page's form carries next=/hq/ (the HQ index).
    admitted = client.post(
        "/hq/login/", {"username": "ewa", "password": password, "next": "/hq/"}, follow=True
    )
    assert admitted.redirect_chain[-1][0] == "/hq/"
    assert "All prospects" in admitted.content.decode()


def test_accounts_and_groups_are_for_superusers_only(client, back_office):
    assert back_office.get("/hq/auth/user/").status_code == 403
    assert "/hq/auth/user/" not in back_office.get("/hq/").content.decode()

    client.force_login(UserFactory(username="root", is_superuser=True))
    assert "root" in client.get("/hq/auth/user/").content.decode()


# --- index ------------------------------------------------------------------------------------


def test_index_explains_integration_off(back_office):
    page = back_office.get("/hq/").content.decode()

    assert "Sales integration" in page
    assert "approve or reject new prospects here" in page


def test_index_explains_integration_on(back_office, settings):
    settings.SALES_INTEGRATION_ENABLED = True

    page = back_office.get("/hq/").content.decode()

    assert "prospects are decided in Sales" in page
    assert "approve or reject new prospects here" not in page


# --- All prospects ----------------------------------------------------------------------------


def test_status_filter_lists_only_that_status(back_office):
    new = ProspectFactory()
    approved = ProspectFactory(status=Prospect.Status.APPROVED)

    page = back_office.get(PROSPECTS_URL, {"status__exact": "approved"}).content.decode()

    assert approved.prospect_number in page
    assert new.prospect_number not in page


def test_country_filter_lists_only_that_country(back_office):
    polish = ProspectFactory()
    czech = ProspectFactory(country="CZ", city="Brno")

    page = back_office.get(PROSPECTS_URL, {"country": "CZ"}).content.decode()

    assert czech.prospect_number in page
    assert polish.prospect_number not in page


@pytest.mark.parametrize(
    ("field", "term"),
    [("last_name", "Dvořák"), ("company_name", "Kůň"), ("email", "dvorak@kun")],
)
def test_search_finds_by_last_name_company_and_email(back_office, field, term):
    wanted = ProspectFactory(
        last_name="Dvořák", company_name="Žluťoučký kůň s.r.o.", email="dvorak@kun.cz"
    )
    other = ProspectFactory()

    page = back_office.get(PROSPECTS_URL, {"q": term}).content.decode()

    assert wanted.prospect_number in page
    assert other.prospect_number not in page


def test_search_finds_by_prospect_number(back_office):
    wanted, other = ProspectFactory(), ProspectFactory()

    page = back_office.get(PROSPECTS_URL, {"q": wanted.prospect_number}).content.decode()

    assert wanted.prospect_number in page
    assert other.prospect_number not in page


def test_prospect_detail_is_read_only_with_decision_buttons(back_office):
    prospect = ProspectFactory(comments="<b>Prosimy</b> o kontakt")

    page = back_office.get(_url("commerce_prospect_change", prospect.pk)).content.decode()

    assert "Hurtownia" in page and "Łódź" in page
    assert "&lt;b&gt;Prosimy&lt;/b&gt;" in page
    assert 'name="_save"' not in page
    assert _url("commerce_prospect_approve", prospect.pk) in page
    assert _url("commerce_prospect_reject", prospect.pk) in page
    assert "/hq/commerce/prospect/add/" not in back_office.get(PROSPECTS_URL).content.decode()


def test_decided_prospect_has_no_decision_buttons(back_office):
    prospect = ProspectFactory(status=Prospect.Status.REJECTED, status_reason="Duplikat")

    page = back_office.get(_url("commerce_prospect_change", prospect.pk)).content.decode()

    assert "Duplikat" in page
    assert _url("commerce_prospect_approve", prospect.pk) not in page
    assert _url("commerce_prospect_reject", prospect.pk) not in page


def test_approve_builds_the_hierarchy_queues_the_email_and_shows_the_log(back_office):
    prospect = ProspectFactory(company_name="Žluťoučký kůň s.r.o.")

    response = back_office.post(_url("commerce_prospect_approve", prospect.pk), follow=True)

    approved = _prospect(prospect.prospect_number)
    assert approved.status == Prospect.Status.APPROVED
    assert approved.decided_by == "ewa.backoffice"
    hierarchy = CustomerHierarchy.objects.using("commerce").get(
        hierarchy_id=approved.customer_hierarchy
    )
    assert hierarchy.name == "Žluťoučký kůň s.r.o."
    email = EmailNotification.objects.using("commerce").get(
        type=EmailNotification.Type.PROSPECT_APPROVED
    )
    assert email.recipient == prospect.email
    page = response.content.decode()
    assert f"Prospect {prospect.prospect_number} is approved" in page
    assert approved.customer_hierarchy in page
    assert _url("commerce_customerhierarchy_change", hierarchy.pk) in page
    assert "ewa.backoffice" in page  # the transition log on the detail page
    assert _url("commerce_prospect_approve", prospect.pk) not in page


def test_approve_twice_is_refused_with_a_message(back_office):
    prospect = ProspectFactory()
    back_office.post(_url("commerce_prospect_approve", prospect.pk))

    page = back_office.post(_url("commerce_prospect_approve", prospect.pk), follow=True)

    assert "is already approved" in page.content.decode()
    assert CustomerHierarchy.objects.using("commerce").count() == 1


def test_approve_needs_post(back_office):
    prospect = ProspectFactory()

    response = back_office.get(_url("commerce_prospect_approve", prospect.pk))

    assert response.status_code == 405
    assert _prospect(prospect.prospect_number).status == Prospect.Status.NEW


def test_reject_form_requires_a_reason(back_office):
    prospect = ProspectFactory()
    url = _url("commerce_prospect_reject", prospect.pk)

    form_page = back_office.get(url).content.decode()
    response = back_office.post(url, {"reason": "   "})

    assert 'name="reason"' in form_page and prospect.company_name in form_page
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert _prospect(prospect.prospect_number).status == Prospect.Status.NEW
    assert not EmailNotification.objects.using("commerce").exists()


def test_reject_with_reason_rejects_and_records_it(back_office):
    prospect = ProspectFactory()

    response = back_office.post(
        _url("commerce_prospect_reject", prospect.pk),
        {"reason": "Brak działalności B2B — sklep detaliczny."},
        follow=True,
    )

    rejected = _prospect(prospect.prospect_number)
    assert rejected.status == Prospect.Status.REJECTED
    assert rejected.status_reason == "Brak działalności B2B — sklep detaliczny."
    assert EmailNotification.objects.using("commerce").get().type == "prospect_rejected"
    assert f"Prospect {prospect.prospect_number} is rejected" in response.content.decode()
    log = TransitionLog.objects.using("commerce").get(object_key=prospect.prospect_number)
    assert (log.target_state, log.actor) == ("rejected", "ewa.backoffice")


def test_with_sales_integration_on_the_decision_is_refused(back_office, settings):
    settings.SALES_INTEGRATION_ENABLED = True
    prospect = ProspectFactory()

    approve = back_office.post(_url("commerce_prospect_approve", prospect.pk), follow=True)
    reject = back_office.post(
        _url("commerce_prospect_reject", prospect.pk), {"reason": "Nie"}, follow=True
    )
    detail = back_office.get(_url("commerce_prospect_change", prospect.pk)).content.decode()

    for response in (approve, reject):
        assert "this prospect is decided in Sales" in response.content.decode()
    assert _prospect(prospect.prospect_number).status == Prospect.Status.NEW
    assert not CustomerHierarchy.objects.using("commerce").exists()
    assert not EmailNotification.objects.using("commerce").exists()
    assert "decided in Sales" in detail
    assert _url("commerce_prospect_approve", prospect.pk) not in detail


# --- customers and hierarchies ----------------------------------------------------------------


def test_customers_filter_by_party_type(back_office):
    organization = CustomerFactory()
    person = CustomerFactory(party_type="person", name="Łucja Nowak")

    page = back_office.get("/hq/commerce/customer/", {"party_type__exact": "person"})

    assert "Łucja Nowak" in page.content.decode()
    assert organization.account_number not in page.content.decode()
    assert person.account_number in page.content.decode()


def test_hierarchy_detail_lists_its_members(back_office):
    prospect = ProspectFactory(first_name="Łucja", last_name="Kowalska")
    back_office.post(_url("commerce_prospect_approve", prospect.pk))
    hierarchy = CustomerHierarchy.objects.using("commerce").get()

    page = back_office.get(_url("commerce_customerhierarchy_change", hierarchy.pk))

    assert "Łucja Kowalska" in page.content.decode()
    assert "Admin" in page.content.decode()


# --- hierarchy members, credit limits and the audit trail -------------------------------------


@pytest.fixture
def admin_member():
    """The only admin of a Czech organization's hierarchy."""
    return HierarchyMemberFactory(
        hierarchy__organization__name="Žluťoučký kůň s.r.o.",
        customer__first_name="Jiří",
        customer__last_name="Kůň",
        customer__name="Jiří Kůň",
    )


def _member_url(name: str, member: HierarchyMember) -> str:
    return _url(
        f"commerce_customerhierarchy_member_{name}",
        member.hierarchy.pk,
        member.customer.account_number,
    )


def _audit_trail(page: str) -> str:
    return page[page.index('<div class="audit-trail">') :]


def _hierarchy_page(client, hierarchy) -> str:
    return client.get(_url("commerce_customerhierarchy_change", hierarchy.pk)).content.decode()


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

    page = _hierarchy_page(back_office, admin_member.hierarchy)

    assert "Jiří Kůň" in page and "Łucja Żółkiewska" in page
    assert "2500.00" in page and "No limit" in page
    assert "Pending" in page and "Active" in page
    assert _url("commerce_customerhierarchy_member_add", admin_member.hierarchy.pk) in page
    assert _member_url("change", user) in page
    assert _member_url("remove", user) in page


def test_back_office_adds_a_member_through_the_intermediate_form(back_office, admin_member):
    hierarchy = admin_member.hierarchy
    form = back_office.get(_url("commerce_customerhierarchy_member_add", hierarchy.pk))

    response = back_office.post(
        _url("commerce_customerhierarchy_member_add", hierarchy.pk),
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
    assert "<td>ewa.backoffice</td>" in _audit_trail(page)


def test_adding_a_duplicate_email_shows_the_refusal_and_adds_nothing(back_office, admin_member):
    hierarchy = admin_member.hierarchy

    response = back_office.post(
        _url("commerce_customerhierarchy_member_add", hierarchy.pk),
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
        _url("commerce_customerhierarchy_member_add", admin_member.hierarchy.pk),
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
        _member_url("change", user),
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
    trail = _audit_trail(page)
    assert "<td>ewa.backoffice</td>" in trail
    assert "<td>role</td>" in trail and "<td>user</td>" in trail and "<td>admin</td>" in trail
    assert "<td>300.00</td>" in trail


def test_removing_a_member_marks_them_removed(back_office, admin_member):
    user = HierarchyMemberFactory(hierarchy=admin_member.hierarchy, role="user")
    confirm = back_office.get(_member_url("remove", user))

    response = back_office.post(
        _member_url("remove", user), {"reason": "Odešel z firmy"}, follow=True
    )

    user.refresh_from_db()
    assert user.status == "removed"
    assert "loses access to the B2B site" in confirm.content.decode()
    assert f"{user.customer.name} is removed from Žluťoučký kůň s.r.o." in response.content.decode()
    assert _member_url("remove", user) not in response.content.decode()


def test_removing_or_demoting_the_last_admin_is_refused_with_a_message(back_office, admin_member):
    removal = back_office.post(_member_url("remove", admin_member), {}, follow=True)
    demotion = back_office.post(
        _member_url("change", admin_member),
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
        _url("commerce_customerhierarchy_member_add", admin_member.hierarchy.pk),
        {"first_name": "X", "last_name": "Y", "email": "x@y.cz", "role": "admin", "language": "cs"},
    )

    assert response["Location"].startswith("/hq/login/")
    assert HierarchyMember.objects.using("commerce").count() == 1


def test_credit_limit_is_edited_through_the_service_and_shown_with_its_audit(back_office):
    organization = CustomerFactory(name="Hurtownia Łódź", balance=Decimal("400.00"))
    form = back_office.get(_url("commerce_customer_credit_limit", organization.pk))

    response = back_office.post(
        _url("commerce_customer_credit_limit", organization.pk),
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
    assert "4600.00 PLN" in page  # available credit
    trail = _audit_trail(page)
    assert "<td>ewa.backoffice</td>" in trail
    assert "<td>credit_limit_type</td>" in trail and "<td>balance</td>" in trail
    assert "<td>5000.00</td>" in trail


def test_a_bad_currency_changes_nothing(back_office):
    organization = CustomerFactory()

    response = back_office.post(
        _url("commerce_customer_credit_limit", organization.pk),
        {"credit_limit": "5000", "currency": "zł!", "credit_limit_type": "balance"},
    )

    organization.refresh_from_db()
    assert "three-letter ISO 4217 code" in response.content.decode()
    assert (organization.credit_limit, organization.currency) == (Decimal("0.00"), "EUR")


def test_a_person_has_no_credit_limit(back_office):
    person = PersonCustomerFactory()

    page = back_office.get(_url("commerce_customer_change", person.pk)).content.decode()
    refused = back_office.get(_url("commerce_customer_credit_limit", person.pk), follow=True)

    assert _url("commerce_customer_credit_limit", person.pk) not in page
    assert "Credit limits are kept on organizations" in refused.content.decode()


def test_organization_page_shows_credit_balance_and_available_credit(back_office):
    organization = CustomerFactory(
        credit_limit=Decimal("1000"), balance=Decimal("250.5"), credit_limit_type="balance"
    )

    page = back_office.get(_url("commerce_customer_change", organization.pk)).content.decode()

    assert "1000.00" in page and "250.50" in page and "749.50 EUR" in page
    assert _url("commerce_customer_credit_limit", organization.pk) in page


def test_audit_list_is_read_only_and_searchable_by_key(back_office, admin_member):
    wanted = HierarchyMemberFactory(hierarchy=admin_member.hierarchy, role="user")
    other = HierarchyMemberFactory(role="user")
    for member in (wanted, other):
        back_office.post(
            _member_url("change", member),
            {"first_name": "Ola", "last_name": "Łódź", "role": "user", "spending_limit": "9"},
        )

    page = back_office.get("/hq/commerce/auditentry/", {"q": wanted.hierarchy.hierarchy_id})

    assert wanted.transition_key in page.content.decode()
    assert other.transition_key not in page.content.decode()
    assert "Audit trail" in page.content.decode()
    entry = AuditEntry.objects.using("commerce").first()
    assert back_office.post(_url("commerce_auditentry_change", entry.pk), {}).status_code == 403
    assert back_office.get("/hq/commerce/auditentry/add/").status_code == 403


# --- jobs and staged requests -----------------------------------------------------------------


def test_run_now_starts_the_job_and_records_a_run(back_office):
    JobRunFactory(job="Synchronize orders and channel requests")
    changelist = back_office.get("/hq/commerce/jobrun/").content.decode()

    response = back_office.post(_url("commerce_jobrun_run", "p-0001"), follow=True)

    assert _url("commerce_jobrun_run", "p-0001") in changelist
    run = JobRun.objects.using("commerce").get(job="P-0001")
    assert (run.trigger, run.outcome) == ("hand", JobRun.Outcome.SUCCEEDED)
    assert "P-0001 Upload channel requests" in response.content.decode()
    assert "is started" in response.content.decode()


def test_run_now_while_the_task_queue_is_down_says_so(back_office, monkeypatch):
    from kombu.exceptions import OperationalError

    from commerce.tasks import job_run

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(job_run, "apply_async", refuse)

    response = back_office.post(_url("commerce_jobrun_run", "p-0001"), follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "task queue cannot be reached" in page and "is started" not in page
    assert not JobRun.objects.using("commerce").exists()


def test_job_runs_filter_by_outcome(back_office):
    JobRunFactory(job="P-0001", message="all good")
    JobRunFactory(job="P-0001", outcome=JobRun.Outcome.FAILED, message="OperationalError: boom")

    page = back_office.get("/hq/commerce/jobrun/", {"outcome__exact": "failed"}).content.decode()

    assert "OperationalError: boom" in page
    assert "all good" not in page


def test_retry_puts_a_failed_staged_request_back_to_new(back_office):
    failed = ChannelRequestFactory(state=ChannelRequest.State.FAILED, error="city: required")
    processed = ChannelRequestFactory(state=ChannelRequest.State.PROCESSED)

    response = back_office.post(
        "/hq/commerce/channelrequest/",
        {"action": "retry", "_selected_action": [failed.pk, processed.pk]},
        follow=True,
    )

    states = dict(ChannelRequest.objects.using("commerce").values_list("pk", "state"))
    assert states == {failed.pk: "new", processed.pk: "processed"}
    page = response.content.decode()
    assert "1 staged requests went back to the sync job" in page
    assert "1 selected requests had not failed" in page


def test_staged_requests_filter_by_state(back_office):
    failed = ChannelRequestFactory(state=ChannelRequest.State.FAILED)
    new = ChannelRequestFactory()

    page = back_office.get("/hq/commerce/channelrequest/", {"state__exact": "failed"})

    assert failed.email in page.content.decode()
    assert new.email not in page.content.decode()


# --- emails, log, schedules -------------------------------------------------------------------


def test_send_again_requeues_a_failed_email(back_office):
    failed = EmailNotificationFactory(status="failed", attempts=5, last_error="SMTP down")

    response = back_office.post(
        "/hq/commerce/emailnotification/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )

    email = EmailNotification.objects.using("commerce").get()
    assert (email.status, email.attempts) == ("queued", 0)
    assert "1 emails are queued to be sent again" in response.content.decode()


def test_email_detail_shows_the_html_escaped(back_office):
    email = EmailNotificationFactory(body_html="<script>alert('x')</script><p>Łódź</p>")

    page = back_office.get(_url("commerce_emailnotification_change", email.pk)).content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;p&gt;Łódź&lt;/p&gt;" in page
    assert "<script>alert(" not in page
    assert "Dzień dobry, Zofia Żółkiewska!" in page


def test_transition_log_is_searchable_by_object_key(back_office):
    wanted, other = ProspectFactory(), ProspectFactory()
    for prospect in (wanted, other):
        back_office.post(_url("commerce_prospect_approve", prospect.pk), follow=True)

    page = back_office.get("/hq/commerce/transitionlog/", {"q": wanted.prospect_number})

    assert wanted.prospect_number in page.content.decode()
    assert other.prospect_number not in page.content.decode()


def test_integration_admin_can_edit_the_job_schedule(client):
    # Schedules are integration administrators' (SPEC §11); back office: tests/security/.
    client.force_login(UserFactory(is_staff=False, groups=[INTEGRATION_ADMINISTRATORS]))
    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(
        name="Nightly Łódź export", task="commerce.job_run", interval=every
    )

    page = client.get(_url("django_celery_beat_periodictask_change", task.pk))
    client.post(
        _url("django_celery_beat_intervalschedule_change", every.pk),
        {
            "every": 300,
            "period": IntervalSchedule.SECONDS,
            "periodictask_set-TOTAL_FORMS": 1,
            "periodictask_set-INITIAL_FORMS": 1,
            "periodictask_set-0-id": task.pk,
            "periodictask_set-0-interval": every.pk,
        },
    )

    assert "Nightly Łódź export" in page.content.decode()
    assert 'name="_save"' in page.content.decode()
    assert IntervalSchedule.objects.get(pk=every.pk).every == 300
    assert PeriodicTask.objects.get(pk=task.pk).interval_id == every.pk
