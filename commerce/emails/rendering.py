"""Rendering the emails of SPEC §9 from their templates, in the recipient's language.

A queued email stores its subject and its context; the bodies are rendered when the email is
first sent (or shown), so that the job that queues a burst of receipts does not render them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import get_template, render_to_string
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


def _context(spec: EmailSpec) -> dict:
    return {"store_name": settings.STORE_NAME, "site_url": settings.SITE_URL, **spec.context}


def _render(spec: EmailSpec, names: tuple[str, ...]) -> list[str]:
    context = _context(spec)
    # The "emails" engine (config/settings/base.py) imports only the tag libraries emails load.
    with translation.override(spec.language), _site_addresses():
        return [
            render_to_string(f"emails/{spec.type}/{name}", context, using="emails")
            for name in names
        ]


def email_subjects(specs: list[EmailSpec]) -> list[str]:
    """The emails' subjects, in their order: the queueing job renders a burst of receipts, so
    each type and language is looked up and switched to once, not once an email."""
    subjects: list[str] = [""] * len(specs)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, spec in enumerate(specs):
        groups.setdefault((spec.type, spec.language), []).append(index)
    with _site_addresses():
        for (type_, language), indexes in groups.items():
            template = get_template(f"emails/{type_}/subject.txt", using="emails")
            with translation.override(language):
                for index in indexes:
                    subject = template.render(_context(specs[index]))
                    subjects[index] = " ".join(subject.split())
    return subjects


def email_render(spec: EmailSpec) -> RenderedEmail:
    subject, body_text, body_html = _render(spec, ("subject.txt", "body.txt", "body.html"))
    return RenderedEmail(
        subject=" ".join(subject.split()), body_text=body_text, body_html=body_html
    )
