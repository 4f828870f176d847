"""Who is signed in on the B2B site, as the channel copy of HQ's hierarchies tells it."""

from django.http import HttpRequest

from .models import ChannelHierarchyMember
from .selectors import partner_membership

_CACHE_ATTRIBUTE = "_partner_member"


def request_partner_member(request: HttpRequest) -> ChannelHierarchyMember | None:
    """The signed-in user's membership (with or without access), looked up once per request."""
    if not hasattr(request, _CACHE_ATTRIBUTE):
        user = request.user
        member = partner_membership(user_id=user.pk) if user.is_authenticated else None
        setattr(request, _CACHE_ATTRIBUTE, member)
    return getattr(request, _CACHE_ATTRIBUTE)


def request_partner(request: HttpRequest) -> ChannelHierarchyMember | None:
    """The membership of a signed-in partner user who may use the site now, else None."""
    member = request_partner_member(request)
    return member if member is not None and member.has_access else None
