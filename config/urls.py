from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from commerce.admin import hq_site
from config.health import health
from sales.admin import sales_site

handler404 = "core.api.not_found"

urlpatterns = [
    path("health/", health, name="health"),
    path("hq/", hq_site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/channel/", include("commerce.channel.api_urls")),
    path("api/commerce/", include("commerce.api_urls")),
    path("sales/", sales_site.urls),
    path("api/sales/", include("sales.api_urls")),
    path("api/dualwrite/", include("dualwrite.api_urls")),
    path("", include("commerce.channel.urls")),
]
