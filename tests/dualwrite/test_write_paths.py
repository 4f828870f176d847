"""Every write path of every mapped model writes its outbox row or is refused (SPEC §7).

Walks the maps' own trigger declarations, so a new map or trigger is covered without a new
test: save() (create and update), bulk_create, queryset update() and bulk_update() of each
record a "save"/"create" trigger names; for "transition" triggers, the bulk writes that would
move a record into a trigger's state without its transition are refused.
"""

import pytest
from django.apps import apps
from django.db import transaction

from core.errors import NotAllowed
from dualwrite.maps import MAPS
from dualwrite.models import OutboxMessage
from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerFactory,
    LeadFactory,
    OpportunityFactory,
    PersonCustomerFactory,
    ProspectFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

# An unsaved record each trigger (model, when) applies to, and a mapped field to change.
RECORDS = {
    ("sales.Account", None): (AccountFactory, "city"),
    ("sales.Contact", None): (ContactFactory, "city"),
    ("commerce.Customer", "organization"): (CustomerFactory, "city"),
    ("commerce.Customer", "person"): (PersonCustomerFactory, "city"),
    ("commerce.Prospect", None): (ProspectFactory, None),
}
STATEFUL = {
    "sales.Lead": LeadFactory,
    "sales.Opportunity": OpportunityFactory,
    "commerce.Prospect": ProspectFactory,
}


def _triggers(*kinds: str):
    return [
        pytest.param(table_map, trigger, id=f"{table_map.code}:{trigger.model}:{trigger.on}")
        for table_map in MAPS.values()
        for trigger in table_map.triggers
        if trigger.on in kinds
    ]


def _record_for(trigger):
    for (model, _party_type), (factory, changed) in RECORDS.items():
        if model != trigger.model:
            continue
        record = factory.build()
        if trigger.when is None or trigger.when(record):
            return record, changed
    raise AssertionError(f"no test record for {trigger.model}")


def _messages(table_map, alias: str) -> int:
    return OutboxMessage.objects.using(alias).filter(map=table_map.code).count()


@pytest.mark.parametrize(("table_map", "trigger"), _triggers("save", "create"))
def test_each_write_path_writes_its_outbox_row(table_map, trigger):
    alias = trigger.model.split(".")[0]
    model = apps.get_model(trigger.model)

    record, changed = _record_for(trigger)
    record.save(using=alias)
    assert _messages(table_map, alias) == 1, "save() of a new record"

    bulk, __ = _record_for(trigger)
    model.objects.using(alias).bulk_create([bulk])
    assert _messages(table_map, alias) == 2, "bulk_create"
    if trigger.on == "create" or changed is None:
        return

    loaded = model.objects.using(alias).get(pk=record.pk)
    setattr(loaded, changed, "Ostrava")
    loaded.save()
    assert _messages(table_map, alias) == 3, "save() of a change"

    model.objects.using(alias).filter(pk=record.pk).update(**{changed: "Opava"})
    assert _messages(table_map, alias) == 4, "queryset update"

    again = model.objects.using(alias).get(pk=record.pk)
    setattr(again, changed, "Zlín")
    model.objects.using(alias).bulk_update([again], [changed])
    assert _messages(table_map, alias) == 5, "bulk_update"
    last = OutboxMessage.objects.using(alias).filter(map=table_map.code).last()
    assert last.payload["changed"] == {changed: "Opava"}
    assert last.payload[changed] == "Zlín"


@pytest.mark.parametrize(("table_map", "trigger"), _triggers("transition"))
def test_bulk_writes_that_skip_a_transition_are_refused(table_map, trigger):
    alias = trigger.model.split(".")[0]
    model = apps.get_model(trigger.model)
    factory = STATEFUL[trigger.model]
    state_field = "status"
    saved = factory()
    target = next(t for t in trigger.targets if t != model._meta.get_field(state_field).default)

    for write in (
        lambda: model.objects.using(alias).filter(pk=saved.pk).update(**{state_field: target}),
        lambda: model.objects.using(alias).bulk_update([saved], [state_field]),
        lambda: model.objects.using(alias).bulk_create([factory.build(**{state_field: target})]),
    ):
        with pytest.raises(NotAllowed), transaction.atomic(using=alias):
            write()
    assert model.objects.using(alias).get(pk=saved.pk).status == saved.status
