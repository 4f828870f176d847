"""A Django template engine with only the tag libraries its settings name."""

from django.template.backends.django import DjangoTemplates


class NamedLibrariesTemplates(DjangoTemplates):
    """Django's templates with the built-ins and the libraries of OPTIONS["libraries"] only.

    Django's own engine imports every installed app's tag libraries when it is made (DRF's and
    the admin's, the site's with the views' modules they import), for templates that may load
    any of them.
    """

    def get_templatetag_libraries(self, custom_libraries: dict) -> dict:
        return dict(custom_libraries)
