"""Fixtures of the sales service tests."""

import pytest
from django.db.models.signals import post_save
from django_fsm.signals import post_transition

from sales.models import Account, Contact


@pytest.fixture
def signals_seen():
    """What dual-write's receivers would see: the instance at post_transition / post_save."""
    seen = []

    def on_transition(sender, instance, name, target, **kwargs):
        seen.append(
            (
                "transition",
                sender.__name__,
                name,
                target,
                instance.status_reason,
                getattr(instance, "competitor", None),
            )
        )

    def on_save(sender, instance, created, **kwargs):
        if sender in (Account, Contact):
            seen.append(("save", sender.__name__, created, instance.version))

    post_transition.connect(on_transition, dispatch_uid="test.sales.transition")
    post_save.connect(on_save, dispatch_uid="test.sales.save")
    yield seen
    post_transition.disconnect(dispatch_uid="test.sales.transition")
    post_save.disconnect(dispatch_uid="test.sales.save")
