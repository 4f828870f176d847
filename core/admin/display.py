"""How console lists and pages show long or foreign text."""

from django.utils.html import format_html
from django.utils.text import Truncator

# What an empty value shows, as Django's lists do: a record page shows a method's None as "None".
EMPTY = "-"


def shortened(text: str) -> str:
    """A list column's cut of a long text (errors, messages)."""
    return Truncator(text).chars(80)


def preformatted(text: str):
    """Text shown as it is written, escaped, never rendered: errors, payloads and emails' HTML
    source hold what other systems and people wrote."""
    if not text:
        return EMPTY
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)
