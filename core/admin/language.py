"""The consoles' language picker (in every console page's header, the sign-in page's too)."""

from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from core import services


@require_POST
def console_language(request):
    """Django's set_language (the cookie, back to `next`), and for a signed-in user their
    profile too, so the choice follows them to their next sign-in on any browser."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.staff_language_set(user=request.user, language=language)
    return response
