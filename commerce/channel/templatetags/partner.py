from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

from ..access import request_partner

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_in_partner(context):
    """The signed-in partner user's membership, for the site header; None for anyone else."""
    request = context.get("request")
    return request_partner(request) if request is not None else None


@register.simple_tag(takes_context=True)
def site_languages(context, *, to_home=False):
    """Each site language with this page's address in it (or the home page's), for the switcher."""
    request = context["request"]
    address = reverse("channel:home") if to_home else request.get_full_path()
    languages = []
    for code, name in settings.LANGUAGES:
        # Each language is named in itself, so a visitor finds theirs whatever the page's language.
        with translation.override(code):
            native_name = str(name)
        languages.append({"code": code, "name": native_name, "url": translate_url(address, code)})
    return languages
