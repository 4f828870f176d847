"""Production hardening: HTTPS switches, proxies, content security policy (SPEC §11).

The HTTPS switches are off by default so that the site runs over plain HTTP locally and in the
tests; deploy/production.env.example turns them on (README, Deploying).
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE

from .env import env

# How many reverse proxies in front of the site append to X-Forwarded-For (core/clients.py).
# 0: the connecting address is the client's.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# HTTPS. Browsers remember HSTS for SECURE_HSTS_SECONDS: start small when first turning it on.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=False)
# Behind a proxy that ends TLS, the header it sets to "https" on secure requests (e.g.
# X-Forwarded-Proto); without it every request looks like HTTP and SSL redirect would loop.
# Only set it when the proxy overwrites that header: a client could send it otherwise.
_proxy_ssl_header = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

# Django's defaults, stated because the deployment relies on them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: forms carry the token, and so does Swagger UI's initializer.
CSRF_COOKIE_HTTPONLY = True

# Scripts, style sheets, images, fonts and API calls come from the site only: no inline script,
# no CDN (the API docs' assets come from drf-spectacular-sidecar). Style attributes are allowed
# (Django's admin and Swagger UI write them; they cannot read the page and images stay on the
# site), <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
