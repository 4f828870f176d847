"""The consoles' URLs, unprefixed by language (config/urls.py)."""

from django.urls import path

from .hq import hq_site
from .sales import sales_site

urlpatterns = [
    path("hq/", hq_site.urls),
    path("sales/", sales_site.urls),
]
