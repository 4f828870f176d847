"""Fixtures of the security tests: the world every role of the authorization matrix looks at."""

import uuid
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from commerce.channel.models import ChannelHierarchyMember, ChannelProduct
from commerce.channel.shop.checkout import order_checkout
from commerce.channel.shop.services import cart_line_set
from commerce.jobs import job_execute
from commerce.models import EmailNotification, JobRun
from commerce.services import hierarchy_member_add
from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from dualwrite.models import ConflictEntry, DeliveryError, MapState
from dualwrite.services import map_states_register
from tests.channel.portal_support import approved_organization, partner_login
from tests.factories import (
    AccountFactory,
    ChannelRequestFactory,
    ContactFactory,
    LeadFactory,
    OnboardingRequestFactory,
    OpportunityFactory,
    UserFactory,
)

from .authorization_roles import ADMIN_SITES, _superuser_request
from .shop_world import hq_shop_world


def _shop_world(organization, buyer_account: str, buyer):
    """A product on the site and an order of organization A's user awaiting an admin."""
    product = ChannelProduct.objects.using("channel").create(
        product_number="FX-1001", name_en="Hex bolt M8", price=Decimal("100.00"), currency="PLN"
    )
    ChannelHierarchyMember.objects.using("channel").filter(
        hierarchy_id=organization.hierarchy_id, customer_id=buyer_account
    ).update(spending_limit=Decimal("10.00"))
    cart_line_set(user_id=buyer.pk, product_number=product.product_number, quantity=2)
    order = order_checkout(user_id=buyer.pk, purchase_order="PO-1", actor=buyer.username)
    assert order.status == order.Status.AWAITING_APPROVAL
    return product, order


# --- the world every role looks at --------------------------------------------------------------


@pytest.fixture
def world():
    """Organization A (its admin and a user), organization B (its admin), staff of each group,
    and at least one record of every model a console lists."""
    first = approved_organization(first_name="Zofia", last_name="Żółkiewska")
    member = hierarchy_member_add(
        hierarchy_id=first.hierarchy_id,
        first_name="Jan",
        last_name="Novák",
        email="jan@kun.cz",
        role="user",
        spending_limit=None,
        language="cs",
        actor="backoffice",
    )
    job_execute(code="1010")
    second = approved_organization(first_name="Bohumil", last_name="Hrabal")
    users = {
        "partner_user": partner_login("jan@kun.cz"),
        "partner_admin": partner_login(first.admin_email),
        "other_admin": partner_login(second.admin_email),
        "rep": UserFactory(username="anna.rep", groups=[SALES_REPRESENTATIVES]),
        "back_office": UserFactory(username="ewa.backoffice", groups=[COMMERCE_BACK_OFFICE]),
        "integrator": UserFactory(username="ivo.integrator", groups=[INTEGRATION_ADMINISTRATORS]),
        "superuser": UserFactory(username="root", is_superuser=True),
    }
    hq_shop = hq_shop_world(users["partner_admin"].pk)  # an HQ product and sales order
    map_states_register()
    maps = MapState.objects.order_by("code")
    error = DeliveryError.objects.create(
        message_id=uuid.uuid4(),
        map=maps[0].code,
        source="commerce",
        record_key=first.admin_account,
        event="upsert",
        payload={"name": "Zofia"},
        error="timeout",
        last_failed_at=first.prospect.created_at,
    )
    conflict = ConflictEntry.objects.create(
        map=maps[0].code,
        record_key=first.admin_account,
        rule="commerce",
        winner="commerce",
        incoming_side="sales",
    )
    lead = LeadFactory(b2b_commerce=True)
    opportunity = OpportunityFactory()
    account, contact = AccountFactory(), ContactFactory()
    request = OnboardingRequestFactory()
    ChannelRequestFactory()
    PeriodicTask.objects.create(
        name="Łódź safety net",
        task="dualwrite.initial_sync",
        interval=IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS),
    )
    CrontabSchedule.objects.create(minute="0", hour="3")
    sign_in = {"username": "mallory", "ip_address": "203.0.113.7", "path_info": "/hq/login/"}
    AccessAttempt.objects.create(**sign_in, failures_since_start=1)
    AccessFailureLog.objects.create(**sign_in)
    AccessLog.objects.create(**sign_in)
    # Every model an admin site lists has a row, so each change/delete/history URL is real.
    for site in ADMIN_SITES.values():
        for model, model_admin in site._registry.items():
            if not model_admin.get_queryset(_superuser_request(users["superuser"])).exists():
                raise AssertionError(f"the world has no {model._meta.label} to open")
    # --- the shop (issue 14): a product, and an order of organization A's user awaiting approval
    product, order = _shop_world(first, member.customer.account_number, users["partner_user"])
    partner = users["partner_admin"]
    return {
        "users": users,
        "first": first,
        "second": second,
        "values": {
            "request_id": str(request.request_id),
            "token": first.admin_token,
            "uidb64": urlsafe_base64_encode(force_bytes(partner.pk)),
            "reset_token": default_token_generator.make_token(partner),
            "member": member.customer.account_number,
            "prospect_number": first.prospect.prospect_number,
            "customer": first.prospect.organization_customer,
            "hierarchy_id": first.hierarchy_id,
            "notification_id": str(
                EmailNotification.objects.using("commerce").latest("pk").notification_id
            ),
            "job_slug": "p-0001",
            "job_run": str(JobRun.objects.using("commerce").latest("pk").pk),
            "lead": str(lead.pk),
            "opportunity": str(opportunity.pk),
            "account_number": account.account_number,
            "contact_number": contact.contact_number,
            "map": maps[0].code,
            "error": str(error.pk),
            "conflict": str(conflict.pk),
            "user_id": str(users["rep"].pk),
            **hq_shop,
            "product_number": product.product_number,
            "order_number": order.number,
        },
    }
