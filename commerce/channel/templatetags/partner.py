from django import template

from ..access import request_partner

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_in_partner(context):
    """The signed-in partner user's membership, for the site header; None for anyone else."""
    request = context.get("request")
    return request_partner(request) if request is not None else None
