"""Production hardening: HTTPS switches, proxies, content security policy (SPEC §11)."""

from .env import env

# How many reverse proxies in front of the site append to X-Forwarded-For (core/clients.py).
# 0: the connecting address is the client's.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
