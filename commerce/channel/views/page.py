"""The site's layout around every page, its one-message notice page, and its icon."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET


def page(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(
        request, template, {"store_name": settings.STORE_NAME, **(context or {})}, status=status
    )


def notice(request, *, title: str, message: str, status: int = 200):
    return page(request, "channel/notice.html", {"title": title, "message": message}, status=status)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links; the site has an SVG icon."""
    return redirect(static("favicon.svg"), permanent=True)
