"""The client's address, as rate limits and sign-in throttling count it (SPEC §11).

Behind N trusted reverse proxies (TRUSTED_PROXY_COUNT), each appends the address it received
the request from to X-Forwarded-For, and the last proxy connects to us (REMOTE_ADDR). The client
is the address the outermost trusted proxy saw: N places from the right of that chain. Anything
further left was sent by the client itself and cannot be trusted.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    candidate = chain[max(len(chain) - 1 - proxies, 0)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # A proxy that forwards garbage is misconfigured; the connection's address still counts.
        return remote


def client_address_key(group, request) -> str:
    """django-ratelimit's `key` callable."""
    return client_address(request)
