"""`{% load shop_cart %}{% cart_quantity partner as count %}`: for the site header's Cart link."""

from django import template

from ..shop.selectors import cart_count

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_quantity(context, partner) -> int:
    """How many items the signed-in partner user's cart holds (0 for anyone else)."""
    request = context.get("request")
    if partner is None or request is None or not request.user.is_authenticated:
        return 0
    return cart_count(user_id=request.user.pk)
