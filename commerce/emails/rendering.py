"""Rendering the emails of SPEC §9 from their templates, in the recipient's language.

A queued email stores its subject and its context; the bodies are rendered when the email is
first sent (or shown), so that the job that queues a burst of receipts does not render them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_urlconf, set_urlconf
from django.utils import translation


@dataclass(frozen=True)
class EmailSpec:
    type: str
    event_key: str
    recipient: str
    language: str
    context: dict


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


@contextmanager
def _site_addresses() -> Iterator[None]:
    """{% url %} reverses in the B2B site's addresses (settings.EMAIL_URLCONF), the only ones
    emails link to: a worker rendering emails leaves the consoles' and the API's unimported."""
    previous = get_urlconf()
    set_urlconf(settings.EMAIL_URLCONF)
    try:
        yield
    finally:
        set_urlconf(previous)


def _render(spec: EmailSpec, names: tuple[str, ...]) -> list[str]:
    context = {"store_name": settings.STORE_NAME, "site_url": settings.SITE_URL, **spec.context}
    # The "emails" engine (config/settings/base.py) imports only the tag libraries emails load.
    with translation.override(spec.language), _site_addresses():
        return [
            render_to_string(f"emails/{spec.type}/{name}", context, using="emails")
            for name in names
        ]


def email_subject(spec: EmailSpec) -> str:
    (subject,) = _render(spec, ("subject.txt",))
    return " ".join(subject.split())


def email_render(spec: EmailSpec) -> RenderedEmail:
    subject, body_text, body_html = _render(spec, ("subject.txt", "body.txt", "body.html"))
    return RenderedEmail(
        subject=" ".join(subject.split()), body_text=body_text, body_html=body_html
    )
