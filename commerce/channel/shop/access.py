"""Who may shop, and one change of a user's cart at a time."""

from django.utils.translation import gettext as _

from core.errors import NotAllowed

from ..models import ChannelHierarchyMember, PartnerUser
from ..selectors import partner_membership

DB = "channel"


def member_active(user_id: int) -> ChannelHierarchyMember:
    """The membership a partner user shops through; refused when access is not active."""
    member = partner_membership(user_id=user_id)
    if member is None or not member.has_access:
        raise NotAllowed(_("Your access to the B2B site is not active."), code="no_access")
    return member


def cart_locked(user_id: int) -> None:
    """Inside a transaction: one change of a user's cart at a time (two tabs adding the same
    new product, a double-clicked checkout), by a lock on the user's partner row."""
    list(PartnerUser.objects.using(DB).select_for_update().filter(user_id=user_id).values("pk"))
