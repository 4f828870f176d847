"""URLs and page parts the HQ console tests share."""

from django.urls import reverse

from commerce.models import HierarchyMember, Prospect

PROSPECTS_URL = "/hq/commerce/prospect/"


def hq_url(name: str, *args) -> str:
    return reverse(f"hq:{name}", args=args)


def prospect_get(number: str) -> Prospect:
    return Prospect.objects.using("commerce").get(prospect_number=number)


def member_url(name: str, member: HierarchyMember) -> str:
    return hq_url(
        f"commerce_customerhierarchy_member_{name}",
        member.hierarchy.pk,
        member.customer.account_number,
    )


def audit_trail_of(page: str) -> str:
    return page[page.index('<div class="audit-trail">') :]


def hierarchy_page(client, hierarchy) -> str:
    return client.get(hq_url("commerce_customerhierarchy_change", hierarchy.pk)).content.decode()
