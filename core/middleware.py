from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, get_resolver
from django.utils import translation


class SiteLocaleMiddleware(LocaleMiddleware):
    """The language by URL prefix on the B2B site, by the client (Accept-Language) elsewhere.

    With i18n_patterns(prefix_default_language=False) Django gives every address without a
    language prefix the default language. Only the site's own addresses mean English then; the
    API and the consoles keep answering in the language the client asks for.
    """

    def process_request(self, request):
        super().process_request(request)
        if translation.get_language_from_path(request.path_info) or _on_prefixed_site(request):
            return
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()


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
