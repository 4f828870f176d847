"""Errors raised by services; views and the API turn them into clear messages."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A request the service refuses; nothing was changed."""

    status_code = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str = "invalid", details: dict | None = None):
        self.message = message or self.default_message
        self.code = code
        self.details = details or {}
        super().__init__(str(self.message))


class NotAllowed(ServiceError):
    """The action conflicts with the record's state or with who owns the decision."""

    status_code = 409
    default_message = _("This action is not allowed in the record's current state.")


class NotFound(ServiceError):
    status_code = 404
    default_message = _("Not found.")


class Unavailable(ServiceError):
    """A service this needs (the task queue) cannot be reached; nothing was started."""

    status_code = 503
    default_message = _(
        "The task queue cannot be reached just now, so nothing was started. "
        "Please try again in a minute."
    )


REASON_MAX_LENGTH = 1000


def reason_required(reason: object, *, missing: str) -> str:
    """A reason someone will read (a buyer, a customer): stripped, present, at most 1,000
    characters; `missing` says who reads it when it is left out."""
    text = str(reason or "").strip()
    if not text:
        raise ServiceError(
            missing, code="required", details={"reason": [_("This field is required.")]}
        )
    if len(text) > REASON_MAX_LENGTH:
        raise ServiceError(
            _("The reason has at most 1,000 characters."),
            code="max_length",
            details={"reason": [_("Too long.")]},
        )
    return text
