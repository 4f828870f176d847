from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, VAR_DIR, env

# Debug pages show settings and environment: only `make run` (or an explicit true) turns it on.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, or set "
            "DJANGO_DEBUG=true for local development (see README, Deploying)."
        )
    # The "django-insecure-" prefix makes `check --deploy` flag it should it ever reach a server.
    SECRET_KEY = "django-insecure-local-development-key-used-with-debug-only"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # swagger-ui served from the project, not a CDN (SPEC §11)
    "django_celery_beat",
    "django_fsm",
    "core.apps.CountriesConfig",  # django-countries, sorted by core.collation
    # django-axes: sign-in throttling per account and per client (config/settings/auth.py)
    "core.apps.SignInSecurityConfig",
    "csp",
    "core",
    "commerce.channel",
    "commerce",
    "sales",
    "dualwrite",
]

# How long the consoles' country filters keep the list of countries that occur.
ADMIN_COUNTRY_FILTER_SECONDS = env.int("ADMIN_COUNTRY_FILTER_SECONDS", default=300)

# Widgets render with the project's templates too (templates/channel/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in after the view ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    # Emails (commerce/emails/rendering.py), with the tag libraries they load. The engine above
    # imports every installed app's libraries when first used (DRF's, the admin's, the site's
    # with its views): 8 MB in each worker process that renders an email.
    {
        "NAME": "emails",
        "BACKEND": "core.template_engines.NamedLibrariesTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "libraries": {"i18n": "django.templatetags.i18n", "money": "core.templatetags.money"},
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish")), ("cs", _("Czech"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# Numbers grouped as the reader's language groups them ("12,500.50", "12 500,50"); dates in the
# consoles' short formats (core/formats).
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["core.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here after collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "/hq/login/"

REDIS_CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {
    "default": (
        env.cache_url("CACHE_URL")
        if REDIS_CACHE_URL
        else {
            # The file cache is shared by every local process, so the sign-up rate limit
            # holds across web workers without a server.
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}
# The site keeps taking sign-ups while Redis is down (SPEC §12): django-redis (which
# django-environ picks for redis:// URLs) answers every cache call as a miss and logs the error,
# and the rate limiter lets through a request it cannot count.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes announces itself on every command at INFO; lockouts are WARNING, and each
    # failed sign-in is listed in HQ's console (Failed sign-in attempts).
    "loggers": {"axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")}},
}
