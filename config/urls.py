from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import urls_site
from config.health import health
from core.admin.language import console_language

# JSON under /api/, the site's branded pages elsewhere (templates/400.html … 500.html).
handler400 = "core.api.bad_request"
handler403 = "core.api.permission_denied"
handler404 = "core.api.not_found"
handler500 = "core.api.server_error"

urlpatterns = [
    path("health/", health, name="health"),
    path("", include("consoles.urls")),
    path("console/language/", console_language, name="console-language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the project's static files, its initializer a script of its own (no inline
    # script: the content security policy allows none).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    path("api/channel/", include("commerce.channel.api_urls")),
    path("api/commerce/", include("commerce.api_urls")),
    path("api/sales/", include("sales.api_urls")),
    path("api/dualwrite/", include("dualwrite.api_urls")),
]

# The B2B site, prefixed by language.
urlpatterns += urls_site.urlpatterns
