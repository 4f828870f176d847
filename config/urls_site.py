"""The B2B site's addresses: part of config/urls.py, and on their own the URLconf that emails
reverse their links in (settings.EMAIL_URLCONF), so that a worker process rendering an email
does not import the consoles and the API.

The site speaks the visitor's language by URL prefix: English at /partner/…, Polish and Czech at
/pl/partner/… and /cs/partner/… (issue 4); the consoles and the API stay unprefixed.
"""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = i18n_patterns(
    path("", include("commerce.channel.urls")),
    prefix_default_language=False,
)
