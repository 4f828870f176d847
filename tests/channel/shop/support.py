"""A partner organization ready to shop: products on the site, an admin and a second user."""

from dataclasses import dataclass
from decimal import Decimal

from commerce.channel.models import ChannelCustomer, ChannelHierarchyMember, ChannelProduct
from commerce.jobs import job_execute
from commerce.services import hierarchy_member_add
from tests.channel.portal_support import (
    Organization,
    approved_organization,
    partner_login,
    run_jobs,
)


def products(**prices: str) -> list[ChannelProduct]:
    """Site products by number and price (PLN), as job 1040 would have copied them."""
    return [
        ChannelProduct.objects.using("channel").create(
            product_number=number.replace("_", "-"),
            name_en=f"Product {number}",
            name_pl=f"Produkt {number}",
            price=Decimal(price),
            currency="PLN",
        )
        for number, price in prices.items()
    ]


def credit_set(organization: Organization, limit: str | None, *, blocked: bool = False) -> None:
    """The site's copy of the organization's credit (job 1010 keeps it from HQ)."""
    checked = limit is not None
    ChannelCustomer.objects.using("channel").filter(
        account_number=organization.prospect.organization_customer
    ).update(
        credit_limit=Decimal(limit or 0),
        credit_limit_type="balance" if checked else "none",
        currency="PLN",
        blocked=blocked,
    )


def limits_set(user_id: int, *, per_order: str | None = None, monthly: str | None = None) -> None:
    from commerce.channel.models import PartnerUser

    link = PartnerUser.objects.using("channel").get(user_id=user_id)
    ChannelHierarchyMember.objects.using("channel").filter(
        hierarchy_id=link.hierarchy_id, customer_id=link.account_number
    ).update(
        spending_limit=None if per_order is None else Decimal(per_order),
        monthly_spending_limit=None if monthly is None else Decimal(monthly),
    )


@dataclass(frozen=True)
class Shop:
    organization: Organization
    admin_id: int
    user_id: int
    user_email: str


def colleague_add(organization: Organization, *, email: str, role: str = "user") -> int:
    """A second member of the organization, active on the site, with a password set."""
    hierarchy_member_add(
        hierarchy_id=organization.hierarchy_id,
        first_name="Jan",
        last_name="Kowalski",
        email=email,
        role=role,
        spending_limit=None,
        language="pl",
        actor="backoffice",
    )
    job_execute(code="1010")
    return partner_login(email).pk


def shop() -> Shop:
    organization = approved_organization(first_name="Zofia", last_name="Żółkiewska")
    admin_id = partner_login(organization.admin_email).pk
    user_id = colleague_add(organization, email="jan@zolc-lodz.pl")
    run_jobs()
    return Shop(organization, admin_id, user_id, "jan@zolc-lodz.pl")
