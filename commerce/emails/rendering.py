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


class _ReadKeys(dict):
    """A template context that notes which of its names a rendering looked up.

    Django's `Context` looks a name up with `in` and `[]` (or `get`) on each of its dicts;
    anything that lists the names (`flatten()`, `{% debug %}`) counts as reading them all.
    """

    def __init__(self, values: dict) -> None:
        super().__init__(values)
        self.read: set[str] | None = set()  # None: every name

    def _noted(self, name):
        if self.read is not None:
            self.read.add(name)
        return name

    def __contains__(self, name) -> bool:
        return super().__contains__(self._noted(name))

    def __getitem__(self, name):
        return super().__getitem__(self._noted(name))

    def get(self, name, default=None):
        return super().get(self._noted(name), default)

    # Listing the names in any way reads them all.
    def __iter__(self):
        self.read = None
        return super().__iter__()

    def keys(self):  # type: ignore[override]
        self.read = None
        return super().keys()

    def items(self):  # type: ignore[override]
        self.read = None
        return super().items()

    def values(self):  # type: ignore[override]
        self.read = None
        return super().values()


_ABSENT = object()


def _values_of(context: dict, names: tuple[str, ...]) -> tuple | None:
    """The values of `names` in `context`, typed (1 and True render differently); None where
    one cannot be compared (a list, a dict)."""
    values = tuple((type(value), value) for value in (context.get(n, _ABSENT) for n in names))
    try:
        hash(values)
    except TypeError:
        return None
    return values


def _subjects_rendered(template, contexts: list[dict]) -> list[str]:
    """Render one subject template for many contexts, each distinct input once.

    A rendering is a function of the names it looks up: a context that holds the same values
    under those names renders the same subject. A burst of receipts, whose subject names the
    store only, renders it once.
    """
    known: dict[tuple[str, ...], dict[tuple, str]] = {}
    subjects = []
    for context in contexts:
        subject = None
        for names, rendered in known.items():
            values = _values_of(context, names)
            if values is not None and values in rendered:
                subject = rendered[values]
                break
        if subject is None:
            reading = _ReadKeys(context)
            subject = " ".join(template.render(reading).split())
            if reading.read is not None:
                names = tuple(sorted(reading.read))
                values = _values_of(context, names)
                if values is not None:
                    known.setdefault(names, {})[values] = subject
        subjects.append(subject)
    return subjects


def email_subjects(specs: list[EmailSpec]) -> list[str]:
    """The emails' subjects, in their order: the queueing job renders a burst of receipts, so
    each type and language is looked up and switched to once, not once an email, and each
    distinct subject is rendered once (`_subjects_rendered`)."""
    subjects: list[str] = [""] * len(specs)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, spec in enumerate(specs):
        groups.setdefault((spec.type, spec.language), []).append(index)
    with _site_addresses():
        for (type_, language), indexes in groups.items():
            template = get_template(f"emails/{type_}/subject.txt", using="emails")
            with translation.override(language):
                rendered = _subjects_rendered(
                    template, [_context(specs[index]) for index in indexes]
                )
            for index, subject in zip(indexes, rendered, strict=True):
                subjects[index] = subject
    return subjects


def email_render(spec: EmailSpec) -> RenderedEmail:
    subject, body_text, body_html = _render(spec, ("subject.txt", "body.txt", "body.html"))
    return RenderedEmail(
        subject=" ".join(subject.split()), body_text=body_text, body_html=body_html
    )
