"""The site's layout around every page, and its one-message notice page."""

from django.conf import settings
from django.shortcuts import render


def page(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(
        request, template, {"store_name": settings.STORE_NAME, **(context or {})}, status=status
    )


def notice(request, *, title: str, message: str, status: int = 200):
    return page(request, "channel/notice.html", {"title": title, "message": message}, status=status)
