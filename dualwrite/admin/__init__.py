"""Dual-write's pages in the HQ console (consoles.hq), by subject. Importing them registers
them: Django's autodiscover imports this package."""

from . import conflicts, errors, maps  # noqa: F401
