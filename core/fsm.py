"""Every django-fsm transition writes a log row (who, when, why) in the record's database.

A model opts in by naming its concrete log model in ``transition_log_model`` and giving a
``transition_key``; transition methods take keyword arguments ``by`` (actor) and ``reason``.
"""

from django.apps import apps
from django.dispatch import receiver
from django_fsm.signals import post_transition


@receiver(post_transition, dispatch_uid="core.fsm.log_transition")
def log_transition(sender, instance, name, source, target, **kwargs) -> None:
    log_label = getattr(sender, "transition_log_model", None)
    if not log_label:
        return
    method_kwargs = kwargs.get("method_kwargs") or {}
    apps.get_model(log_label).objects.using(instance._state.db or "default").create(
        model=sender._meta.label_lower,
        object_key=instance.transition_key,
        transition=name,
        source_state=source,
        target_state=target,
        actor=str(method_kwargs.get("by") or "system"),
        reason=str(method_kwargs.get("reason") or ""),
    )
