"""Organization users: admins add, edit and remove users; HQ applies it through the jobs."""

import re
from decimal import Decimal

import pytest

from commerce.channel.models import ChannelHierarchyMember, PartnerUserRequest
from commerce.jobs import job_execute
from commerce.models import ChannelRequest, EmailNotification, HierarchyMember
from commerce.services import hierarchy_member_add

from .portal_support import approved_organization, run_jobs, signed_in

pytestmark = pytest.mark.django_db(databases="__all__")

USERS = "/partner/organization/users/"
ADD = USERS + "add/"
NEW_USER = {
    "first_name": "Jiří",
    "last_name": "Žluťoučký",
    "email": "jiri@kun.cz",
    "role": "user",
    "spending_limit": "2500.50",
    "language": "cs",
}


@pytest.fixture
def organization():
    return approved_organization(first_name="Zofia", last_name="Żółkiewska")


@pytest.fixture
def admin(organization):
    return signed_in(organization.admin_email)


def _hq_member(email: str) -> HierarchyMember:
    return HierarchyMember.objects.select_related("customer").get(customer__email=email)


def _copy(email: str) -> ChannelHierarchyMember:
    return ChannelHierarchyMember.objects.get(customer__email=email)


def _add(admin, **changes):
    return admin.post(ADD, {**NEW_USER, **changes})


def _added(admin, organization, **changes) -> str:
    """Add a user and let the jobs make it active; returns its account number."""
    _add(admin, **changes)
    run_jobs()
    return _hq_member(changes.get("email", NEW_USER["email"])).customer.account_number


def test_the_list_shows_the_members_with_role_limit_and_status(admin, organization):
    html = admin.get(USERS).content.decode()

    assert "Organization users" in html
    assert "Zofia Żółkiewska" in html and organization.admin_email in html
    assert "Admin" in html and "Active" in html and "No limit" in html
    assert f'href="{ADD}"' in html
    assert f"{USERS}{organization.admin_account}/edit/" in html


def test_adding_a_user_goes_through_the_jobs_and_ends_active(admin, organization):
    response = _add(admin)

    assert response.status_code == 302 and response["Location"] == USERS
    request = PartnerUserRequest.objects.get()
    assert (request.action, request.hierarchy_id, request.requested_by) == (
        "add",
        organization.hierarchy_id,
        organization.admin_email,
    )
    listed = admin.get(USERS).content.decode()
    assert "Jiří Žluťoučký" in listed and "Pending" in listed
    assert "Jiří Žluťoučký will be added shortly" in listed

    job_execute(code="P-0001")
    staged = ChannelRequest.objects.get(request_type=ChannelRequest.Type.PARTNER_USER)
    assert staged.payload["email"] == "jiri@kun.cz"
    assert staged.payload["spending_limit"] == "2500.50"
    job_execute(code="sync-channel-requests")
    member = _hq_member("jiri@kun.cz")
    assert (member.role, member.spending_limit, member.status) == (
        "user",
        Decimal("2500.50"),
        "pending",
    )
    assert (member.customer.first_name, member.customer.last_name, member.customer.language) == (
        "Jiří",
        "Žluťoučký",
        "cs",
    )
    invited = EmailNotification.objects.get(type=EmailNotification.Type.PARTNER_USER_INVITED)
    assert (invited.recipient, invited.language) == ("jiri@kun.cz", "cs")

    job_execute(code="1010")
    member.refresh_from_db()
    assert member.status == "active"
    assert _copy("jiri@kun.cz").status == "active"
    request.refresh_from_db()
    assert request.status == PartnerUserRequest.Status.APPLIED
    listed = admin.get(USERS).content.decode()
    assert listed.count('<td data-label="Name">Jiří Žluťoučký</td>') == 1
    assert "Pending" not in listed
    assert "2,500.50 EUR" in listed


def test_the_new_user_can_set_a_password_and_sees_their_own_account_only(admin, organization):
    _added(admin, organization)
    user = signed_in("jiri@kun.cz")

    account = user.get("/partner/account/").content.decode()
    assert "Jiří Žluťoučký" in account and "2,500.50 EUR" in account
    assert "Organization users" not in account
    refused = user.get(USERS)
    assert refused.status_code == 403
    assert "Only an admin of your organization can manage its users." in (refused.content.decode())
    assert "Zofia" not in refused.content.decode()


def test_editing_a_user_shows_pending_then_applies(admin, organization):
    account = _added(admin, organization)
    form = admin.get(f"{USERS}{account}/edit/").content.decode()
    assert 'value="Jiří"' in form and 'value="2500.50"' in form
    assert 'name="email"' not in form

    response = admin.post(
        f"{USERS}{account}/edit/",
        {"first_name": "Jiřina", "last_name": "Žluťoučká", "role": "admin", "spending_limit": ""},
    )

    assert response["Location"] == USERS
    listed = admin.get(USERS).content.decode()
    assert "Change pending" in listed
    run_jobs()
    member = _hq_member("jiri@kun.cz")
    assert (member.customer.first_name, member.role, member.spending_limit) == (
        "Jiřina",
        "admin",
        None,
    )
    copy = _copy("jiri@kun.cz")
    assert (copy.role, copy.spending_limit) == ("admin", None)
    listed = admin.get(USERS).content.decode()
    assert "Change pending" not in listed and "Jiřina Žluťoučká" in listed


def test_removing_a_user_takes_effect_at_once_and_in_hq_through_the_jobs(admin, organization):
    account = _added(admin, organization)
    confirm = admin.get(f"{USERS}{account}/remove/").content.decode()
    assert "Remove Jiří Žluťoučký?" in confirm

    response = admin.post(f"{USERS}{account}/remove/")

    assert response["Location"] == USERS
    listed = admin.get(USERS).content.decode()
    assert "Jiří Žluťoučký has been removed" in listed
    assert "jiri@kun.cz" not in listed.split("</div>", 2)[-1]
    assert not _copy("jiri@kun.cz").has_access
    run_jobs()
    assert _hq_member("jiri@kun.cz").status == "removed"
    assert _copy("jiri@kun.cz").status == "removed"


def test_more_than_one_admin_is_allowed_and_the_last_admin_is_kept(admin, organization):
    own = f"{USERS}{organization.admin_account}"
    demote = {"first_name": "Zofia", "last_name": "Żółkiewska", "role": "user"}

    refused_demotion = admin.post(f"{own}/edit/", demote)
    refused_removal = admin.post(f"{own}/remove/")

    for response in (refused_demotion, refused_removal):
        assert response.status_code == 200
        assert "Zofia Żółkiewska is the last admin of your organization." in (
            response.content.decode()
        )
    assert not PartnerUserRequest.objects.exists()
    assert _copy(organization.admin_email).has_access

    _added(admin, organization, role="admin")
    assert admin.post(f"{own}/edit/", demote)["Location"] == USERS
    # The other admin cannot now take away the only admin left either.
    other = signed_in("jiri@kun.cz")
    other_account = _hq_member("jiri@kun.cz").customer.account_number
    response = other.post(f"{USERS}{other_account}/remove/")
    assert "is the last admin" in response.content.decode()


def test_a_duplicate_email_is_refused_clearly(admin, organization):
    _add(admin)
    for email in ("JIRI@kun.cz", organization.admin_email.upper()):
        response = _add(admin, email=email)
        assert response.status_code == 200
        assert "A user with this email address already exists on the B2B site." in (
            response.content.decode()
        )
    assert PartnerUserRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("-1", "Enter a spending limit of 0 or more, or leave it empty."),
        ("lots", "Enter a number."),
        ("1.234", "Ensure that there are no more than 2 decimal places."),
        ("1234567890123", "Ensure that there are no more than 12 digits before the decimal"),
    ],
)
def test_a_bad_spending_limit_is_refused(admin, limit, message):
    response = _add(admin, spending_limit=limit)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PartnerUserRequest.objects.exists()


def test_required_fields_and_text_rules(admin):
    response = _add(admin, first_name="", email="not-an-email", last_name="Tab\tname")

    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a valid email address." in html
    assert "Control characters" in html
    assert not PartnerUserRequest.objects.exists()


def test_each_refused_field_shows_one_message_and_is_marked(admin):
    html = _add(admin, first_name="", email="not-an-email", role="").content.decode()

    for name in ("first_name", "email", "role"):
        (errors,) = re.findall(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html)
        assert errors.count("<li>") == 1, (name, errors)
        (element,) = re.findall(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', html)
        assert 'aria-invalid="true"' in element and "input--invalid" in element
    # The model's own check of required fields does not repeat "required" under the email.
    assert html.count("This field is required.") == 2


@pytest.mark.parametrize("language", ["en", "pl", "cs"])
def test_a_new_user_is_a_user_in_the_admins_language_unless_chosen_otherwise(
    organization, language
):
    prefix = "" if language == "en" else f"/{language}"
    html = signed_in(organization.admin_email).get(prefix + ADD).content.decode()

    assert re.search(r'<option value="user" selected>', html)
    assert not re.search(r'<option value="admin" selected>', html)
    assert re.search(rf'<option value="{language}" selected>', html)


def test_the_users_table_labels_each_cell_for_phones(admin, organization):
    html = admin.get(USERS).content.decode()

    assert 'class="table table--stack"' in html
    for label in ("Name", "Email", "Role", "Spending limit", "Status"):
        assert f'data-label="{label}"' in html
    row = re.search(r"<tbody>.*?</tr>", html, re.S).group(0)
    assert f'<td data-label="Email">{organization.admin_email}</td>' in row


def test_the_users_table_labels_are_in_the_page_language(organization):
    html = signed_in(organization.admin_email).get("/pl" + USERS).content.decode()

    assert 'data-label="Name"' not in html and 'data-label="Email"' not in html


def test_html_in_names_is_shown_as_text(admin, organization):
    _added(admin, organization, first_name="<b>Jan</b>", email="jan@kun.cz")

    html = admin.get(USERS).content.decode()
    assert "&lt;b&gt;Jan&lt;/b&gt;" in html and "<b>Jan</b>" not in html


def test_an_admin_cannot_reach_another_organizations_users(admin):
    other = approved_organization(first_name="Bohumil", last_name="Hrabal")
    hierarchy_member_add(
        hierarchy_id=other.hierarchy_id,
        first_name="Ota",
        last_name="Pavel",
        email="ota@b.cz",
        role="user",
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")
    foreign = _copy("ota@b.cz").customer_id

    for path in (f"{USERS}{foreign}/edit/", f"{USERS}{foreign}/remove/"):
        page = admin.get(path)
        posted = admin.post(path, {"first_name": "X", "last_name": "Y", "role": "user"})
        for response in (page, posted):
            assert response.status_code == 404, path
            body = response.content.decode()
            assert "Ota" not in body and "Pavel" not in body and "ota@b.cz" not in body
    listed = admin.get(USERS).content.decode()
    assert "Bohumil" not in listed and "ota@b.cz" not in listed
    assert _copy("ota@b.cz").has_access
    assert not PartnerUserRequest.objects.exists()


def test_a_request_hq_refuses_is_shown_to_the_admin(admin, organization):
    _add(admin)
    # HQ learns of the same email by another way first, so it refuses the add.
    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jiří",
        last_name="Jinak",
        email="jiri@kun.cz",
        role="user",
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )

    run_jobs()

    request = PartnerUserRequest.objects.get()
    assert request.status == PartnerUserRequest.Status.FAILED
    html = admin.get(USERS).content.decode()
    assert "These changes could not be carried out:" in html
    assert "jiri@kun.cz is already a user of" in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in (USERS, ADD, "/partner/account/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/partner/sign-in/?next={path}"


# --- the monthly spending limit (issue 14) ----------------------------------------------------


def test_an_admin_sets_a_monthly_spending_limit_when_adding_a_user(admin, organization):
    form = admin.get(ADD).content.decode()
    assert 'name="monthly_spending_limit"' in form and "calendar month" in form

    _added(admin, organization, monthly_spending_limit="12000")

    assert PartnerUserRequest.objects.get().monthly_spending_limit == Decimal("12000")
    assert _hq_member("jiri@kun.cz").monthly_spending_limit == Decimal("12000")
    copy = _copy("jiri@kun.cz")
    assert (copy.spending_limit, copy.monthly_spending_limit) == (
        Decimal("2500.50"),
        Decimal("12000"),
    )
    listed = admin.get(USERS).content.decode()
    assert '<td class="amount" data-label="Monthly limit"><span class="amount">12,000.00 ' in listed


def test_an_admin_changes_and_clears_a_monthly_spending_limit(admin, organization):
    account = _added(admin, organization, monthly_spending_limit="12000")
    edit = f"{USERS}{account}/edit/"
    assert 'name="monthly_spending_limit" value="12000.00"' in admin.get(edit).content.decode()

    values = {"first_name": "Jiří", "last_name": "Žluťoučký", "role": "user"}
    admin.post(edit, {**values, "spending_limit": "2500.50", "monthly_spending_limit": "8000"})
    run_jobs()
    assert _copy("jiri@kun.cz").monthly_spending_limit == Decimal("8000")

    # Only the monthly limit emptied: the per-order limit the form shows stays as it was.
    admin.post(edit, {**values, "spending_limit": "2500.50", "monthly_spending_limit": ""})
    run_jobs()
    copy = _copy("jiri@kun.cz")
    assert (copy.spending_limit, copy.monthly_spending_limit) == (Decimal("2500.50"), None)
    assert _hq_member("jiri@kun.cz").monthly_spending_limit is None


def test_a_negative_monthly_spending_limit_is_refused(admin):
    response = _add(admin, monthly_spending_limit="-5")

    assert "Enter a spending limit of 0 or more, or leave it empty." in response.content.decode()
    assert not PartnerUserRequest.objects.exists()
