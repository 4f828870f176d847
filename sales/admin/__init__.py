"""Sales' pages in the Sales console (consoles.sales), by subject. Importing them registers
them: Django's autodiscover imports this package."""

from . import accounts, leads, opportunities  # noqa: F401
