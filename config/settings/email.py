"""Email: SMTP in production (EMAIL_URL=smtp://…), files under var/mail locally."""

from .env import VAR_DIR, env

_email = env.email_url("EMAIL_URL", default="filemail://")
EMAIL_BACKEND = _email.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
if EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="B2B Store <partners@b2b.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=5)
# Seconds one run of the sending task may send for before it queues its next run.
EMAIL_SEND_TIME_BUDGET_SECONDS = env.float("EMAIL_SEND_TIME_BUDGET_SECONDS", default=2.0)
# The URLconf emails reverse their links in: the B2B site's addresses, without the consoles and the
# API that the full one imports (6 MB in each worker process that renders an email).
EMAIL_URLCONF = "config.urls_site"
