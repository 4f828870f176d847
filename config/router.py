"""Puts each system's app on its own database alias (SPEC §2)."""

from django.conf import settings

APP_ALIASES = {"channel": "channel", "commerce": "commerce", "sales": "sales"}
# The dual-write outbox/inbox live beside the data they guard, in every system database;
# the rest of dual-write (map settings, error log) lives in `default`.
PER_SYSTEM_MODELS = {"dualwrite": {"outboxmessage", "inboxmessage"}}


class SystemDatabaseRouter:
    def _alias(self, model, hints) -> str | None:
        label = model._meta.app_label
        if label in APP_ALIASES:
            return APP_ALIASES[label]
        if model._meta.model_name in PER_SYSTEM_MODELS.get(label, ()):
            instance = hints.get("instance")
            return instance._state.db if instance is not None else None
        return "default"

    def db_for_read(self, model, **hints):
        return self._alias(model, hints)

    def db_for_write(self, model, **hints):
        return self._alias(model, hints)

    def allow_relation(self, obj1, obj2, **hints):
        return obj1._state.db == obj2._state.db

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label in APP_ALIASES:
            return db == APP_ALIASES[app_label]
        per_system = PER_SYSTEM_MODELS.get(app_label, set())
        if model_name in per_system:
            return db in settings.SYSTEM_ALIASES
        return db == "default"
