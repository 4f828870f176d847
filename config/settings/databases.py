"""One database alias per system (SPEC §2); separate SQLite files under var/ by default."""

from .env import VAR_DIR, env

SYSTEM_ALIASES = ("channel", "commerce", "sales")

# WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN, so
# web, worker and beat queue for it (up to `timeout`) instead of failing mid-transaction
# with "database is locked".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}


def _database(var: str, alias: str) -> dict:
    config = env.db_url(var, default=f"sqlite:///{VAR_DIR / f'{alias}.sqlite3'}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    else:
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config["CONN_HEALTH_CHECKS"] = True
        # Lets two test runs share one PostgreSQL server without dropping each other's tables.
        suffix = env.str("TEST_DATABASE_SUFFIX", default="")
        config["TEST"] = {"NAME": f"test_{config['NAME']}{suffix}"}
    return config


DATABASES = {
    "default": _database("DATABASE_URL", "default"),
    "channel": _database("CHANNEL_DATABASE_URL", "channel"),
    "commerce": _database("COMMERCE_DATABASE_URL", "commerce"),
    "sales": _database("SALES_DATABASE_URL", "sales"),
}
DATABASE_ROUTERS = ["config.router.SystemDatabaseRouter"]
