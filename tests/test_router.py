import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django_celery_beat.models import PeriodicTask

from commerce.channel.models import OnboardingRequest
from commerce.models import Prospect
from config.router import SystemDatabaseRouter
from dualwrite.models import InboxMessage, OutboxMessage
from tests.factories import OnboardingRequestFactory, ProspectFactory

router = SystemDatabaseRouter()


@pytest.mark.parametrize(
    ("model", "alias"),
    [
        (OnboardingRequest, "channel"),
        (Prospect, "commerce"),
        (get_user_model(), "default"),
        (PeriodicTask, "default"),
    ],
)
def test_each_system_reads_and_writes_its_own_database(model, alias):
    assert router.db_for_read(model) == alias
    assert router.db_for_write(model) == alias


def test_outbox_follows_the_database_of_the_instance():
    message = OutboxMessage(map="prospects-leads", record_key="PR-1", event="create", payload={})
    message._state.db = "sales"
    assert router.db_for_write(OutboxMessage, instance=message) == "sales"
    # Without an instance there is no right answer: Django falls back to the caller's using().
    assert router.db_for_read(OutboxMessage) is None


@pytest.mark.parametrize(
    ("db", "app_label", "model_name", "allowed"),
    [
        ("channel", "channel", "onboardingrequest", True),
        ("commerce", "channel", "onboardingrequest", False),
        ("commerce", "commerce", "prospect", True),
        ("default", "commerce", "prospect", False),
        ("sales", "sales", None, True),
        ("default", "auth", "user", True),
        ("commerce", "auth", "user", False),
        ("channel", "dualwrite", "outboxmessage", True),
        ("sales", "dualwrite", "inboxmessage", True),
        ("default", "dualwrite", "outboxmessage", False),
    ],
)
def test_migrations_land_on_the_owning_database(db, app_label, model_name, allowed):
    assert router.allow_migrate(db, app_label, model_name=model_name) is allowed


@pytest.mark.django_db(databases="__all__")
def test_tables_exist_only_where_they_belong():
    def tables(alias: str) -> set[str]:
        with connections[alias].cursor() as cursor:
            return set(connections[alias].introspection.table_names(cursor))

    assert "channel_onboardingrequest" in tables("channel")
    assert "channel_onboardingrequest" not in tables("commerce")
    assert "commerce_prospect" in tables("commerce")
    assert "commerce_prospect" not in tables("channel")
    assert "auth_user" in tables("default")
    assert "auth_user" not in tables("sales")
    for alias in ("channel", "commerce", "sales"):
        assert {OutboxMessage._meta.db_table, InboxMessage._meta.db_table} <= tables(alias)
    assert OutboxMessage._meta.db_table not in tables("default")


@pytest.mark.django_db(databases="__all__")
def test_no_relation_across_databases():
    request = OnboardingRequestFactory()
    prospect = ProspectFactory()
    assert router.allow_relation(request, prospect) is False
    assert router.allow_relation(prospect, ProspectFactory()) is True
