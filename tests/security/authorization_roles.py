"""What the authorization matrix test and its world share: the admin sites, a superuser request."""

from consoles.hq import hq_site
from consoles.sales import sales_site

ADMIN_SITES = {site.name: site for site in (hq_site, sales_site)}


def _superuser_request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request
