"""gunicorn entry point of bench.web: the product's application on the benchmark's URLs.

/bench/wsgi/ is answered here without Django: what gunicorn alone costs.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
django_application = get_wsgi_application()


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/wsgi/":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    return django_application(environ, start_response)
