"""Rendering the emails of SPEC §9 from their templates, in the recipient's language.

A queued email stores its subject and its context; the bodies are rendered when the email is
first sent (or shown), so that the job that queues a burst of receipts does not render them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
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


def _render(spec: EmailSpec, names: tuple[str, ...]) -> list[str]:
    context = {"store_name": settings.STORE_NAME, "site_url": settings.SITE_URL, **spec.context}
    with translation.override(spec.language):
        return [render_to_string(f"emails/{spec.type}/{name}", context) for name in names]


def email_subject(spec: EmailSpec) -> str:
    (subject,) = _render(spec, ("subject.txt",))
    return " ".join(subject.split())


def email_render(spec: EmailSpec) -> RenderedEmail:
    subject, body_text, body_html = _render(spec, ("subject.txt", "body.txt", "body.html"))
    return RenderedEmail(
        subject=" ".join(subject.split()), body_text=body_text, body_html=body_html
    )
