"""Production hardening: HTTPS switches, proxies, content security policy (SPEC §11)."""
