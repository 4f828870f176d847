"""Sign-in and password-reset throttling (SPEC §11)."""

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or client before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
