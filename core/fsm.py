"""Every django-fsm transition writes a log row (who, when, why) in the record's database.

A model opts in by naming its concrete log model in ``transition_log_model`` and giving a
``transition_key``; transition methods take keyword arguments ``by`` (actor) and ``reason``.
Batch work wraps its transitions in ``transition_logs_batched()`` so that their log rows are
inserted together, by one statement per log table, when the block ends.
"""

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Iterator

from django.apps import apps
from django.dispatch import receiver
from django_fsm.signals import post_transition

from .postgres import rows_copy

# (log model label, database alias) → log rows waiting for the end of the batch
_Pending = defaultdict[tuple[str, str], list]
_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "fsm_transition_logs_pending", default=None
)


@contextlib.contextmanager
def transition_logs_batched() -> Iterator[None]:
    """Collect the transition logs written inside; insert them when the block ends normally.

    Use it inside the transaction that makes the transitions, so the logs commit with them.
    """
    pending: _Pending = defaultdict(list)
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for (_label, using), rows in pending.items():
        rows_copy(rows, using=using, ids=False)


@receiver(post_transition, dispatch_uid="core.fsm.log_transition")
def log_transition(sender, instance, name, source, target, **kwargs) -> None:
    log_label = getattr(sender, "transition_log_model", None)
    if not log_label:
        return
    method_kwargs = kwargs.get("method_kwargs") or {}
    using = instance._state.db or "default"
    row = apps.get_model(log_label)(
        model=sender._meta.label_lower,
        object_key=instance.transition_key,
        transition=name,
        source_state=source,
        target_state=target,
        actor=str(method_kwargs.get("by") or "system"),
        reason=str(method_kwargs.get("reason") or ""),
    )
    pending = _pending.get()
    if pending is None:
        row.save(using=using)
    else:
        pending[(log_label, using)].append(row)
