"""Product switches and limits."""

from .env import env

# SPEC §3 step 9: with Sales on, prospects are decided in Sales and HQ refuses manual decisions.
SALES_INTEGRATION_ENABLED = env.bool("SALES_INTEGRATION_ENABLED", default=True)
SIGNUP_RATE_LIMIT = env.str("SIGNUP_RATE_LIMIT", default="10/h")
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)
STORE_NAME = env.str("STORE_NAME", default="B2B Store")
# Dual-write delivery (SPEC §7): retries back off exponentially; after the last attempt a
# message is parked as failed (kept with its error, holding back its record) until retried.
DUALWRITE_RETRY_BASE_SECONDS = env.int("DUALWRITE_RETRY_BASE_SECONDS", default=2)
DUALWRITE_RETRY_MAX_SECONDS = env.int("DUALWRITE_RETRY_MAX_SECONDS", default=300)
DUALWRITE_MAX_ATTEMPTS = env.int("DUALWRITE_MAX_ATTEMPTS", default=10)
# SPEC §3 step 4: leads created by dual-write belong to this Sales user, not to a rep.
SALES_INTEGRATION_USER = env.str("SALES_INTEGRATION_USER", default="integration")
# Sales records revenue in the company's own currency (ISO 4217): opportunities carry none.
SALES_REVENUE_CURRENCY = env.str("SALES_REVENUE_CURRENCY", default="PLN")
# /health/ answers 503 when the oldest undelivered dual-write message is older than this.
DUALWRITE_LAG_ALERT_SECONDS = env.int("DUALWRITE_LAG_ALERT_SECONDS", default=300)
# /health/ answers 503 when a channel request, staged request or due email has waited for the
# jobs or the mailer longer than this (they run at least every JOB_SCHEDULE_SECONDS).
JOB_BACKLOG_ALERT_SECONDS = env.int("JOB_BACKLOG_ALERT_SECONDS", default=300)
