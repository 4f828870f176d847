"""Commerce's pages in the HQ console (consoles.hq), by subject. Importing them registers them:
Django's autodiscover imports this package."""

from . import (  # noqa: F401
    accounts,
    customers,
    emails,
    hierarchies,
    jobs,
    logs,
    products,
    prospects,
    sales_orders,
    sign_in,
)
