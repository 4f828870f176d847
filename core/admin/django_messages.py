"""Django admin strings that Django's own Czech catalogue lacks (the hidden headings of the
consoles' app lists): marked here so that our catalogues translate them."""

from django.utils.translation import gettext_noop

ADMIN_MESSAGES = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
