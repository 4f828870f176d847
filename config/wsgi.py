import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Load in each web process, as it starts, what its first requests would load: the URLconf
    with every view (0.45 s) and the alphabets the country lists sort by (0.3 s).

    Otherwise the first visitor of each process waits for it (a sign-up page took 0.7 s, then
    7 ms), and, right after a start, it takes the CPU from the worker beside it. The worker
    does not import this module: it keeps none of it (tests/test_worker_memory.py).
    """
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    from core.collation import sort_key

    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            resolver.reverse_dict  # noqa: B018  # the URL patterns in this language
            sort_key("a")


warm_up()
