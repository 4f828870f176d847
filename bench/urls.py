"""The product's URLs plus /bench/bare/: the least a Django view can do, through every
middleware, as the baseline of bench.web."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *product_urlpatterns]
