from django.contrib.auth.middleware import get_user
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, get_resolver
from django.utils import translation

from . import selectors

# The API answers in the language its client asks for (Accept-Language), whoever is signed in.
API_PREFIX = "/api/"


class SiteLocaleMiddleware(LocaleMiddleware):
    """The language by URL prefix on the B2B site; on the consoles the one a signed-in user chose
    (their staff profile), else the client's (the picker's cookie, then Accept-Language); on
    the API the client's.

    With i18n_patterns(prefix_default_language=False) Django gives every address without a
    language prefix the default language. Only the site's own addresses mean English then.
    """

    def process_request(self, request):
        super().process_request(request)
        if translation.get_language_from_path(request.path_info) or _on_prefixed_site(request):
            return
        language = _chosen_language(request) or translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _chosen_language(request) -> str | None:
    """The signed-in user's console language. AuthenticationMiddleware comes after this one (a
    locale middleware must precede CommonMiddleware); its get_user caches the user it reads."""
    if request.path_info.startswith(API_PREFIX):
        return None
    user = get_user(request)
    return selectors.staff_language(user_id=user.pk) if user.is_authenticated else None


def _on_prefixed_site(request) -> bool:
    # The root resolver consumes the leading slash; its children resolve the rest.
    path = request.path_info[1:]
    for pattern in get_resolver(getattr(request, "urlconf", None)).url_patterns:
        if isinstance(getattr(pattern, "pattern", None), LocalePrefixPattern):
            try:
                pattern.resolve(path)
            except Resolver404:
                continue
            return True
    return False
