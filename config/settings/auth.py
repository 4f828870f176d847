"""Sign-in and password-reset throttling (SPEC §11); the behaviour lives in core/sign_in.py."""

from datetime import timedelta

from .env import env

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or client before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Each entry locks on its own: an account after too many failures from anywhere (guessing spread
# over many addresses), a client address after too many failures on any accounts (one address
# trying many accounts). Attempts are stored in `default` (config/router.py); each failure is
# one short write.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("DJANGO_SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_SIGN_IN_COOLOFF_MINUTES", default=15))
# Tries while locked out do not push the end of the lock further, so "try again in N minutes"
# holds; a successful sign-in clears the failures against that account (core/sign_in.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "core.sign_in.SignInAttemptHandler"
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
AXES_USERNAME_CALLABLE = "core.sign_in.sign_in_username"
# The same sign-in page again, with the reason and HTTP 429.
AXES_LOCKOUT_CALLABLE = "core.sign_in.sign_in_locked_out"
# axes' own admin registers on django.contrib.admin.site, which the project does not serve;
# HQ shows the attempts instead (commerce/admin/sign_in.py).
AXES_ENABLE_ADMIN = False
# Every failure stays on record for HQ after the attempt itself ages out of the cool-off.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Password-reset emails (django-ratelimit rates): per account (the email entered) and per client.
PASSWORD_RESET_RATE_PER_ACCOUNT = env.str("DJANGO_PASSWORD_RESET_RATE_PER_ACCOUNT", default="3/h")
PASSWORD_RESET_RATE_PER_CLIENT = env.str("DJANGO_PASSWORD_RESET_RATE_PER_CLIENT", default="20/h")
