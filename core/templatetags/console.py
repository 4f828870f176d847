"""Tags of the consoles' shared templates (templates/admin/base_site.html)."""

from django import template
from django.conf import settings

from core.formatting import language_name_local

register = template.Library()


@register.simple_tag
def console_languages() -> list[tuple[str, str]]:
    """The consoles' languages, each named in itself, so anyone finds theirs."""
    return [(code, language_name_local(code)) for code, _name in settings.LANGUAGES]
