from celery import shared_task

from .relay import outbox_relay as relay


@shared_task(name="dualwrite.outbox_relay", bind=True, ignore_result=True)
def outbox_relay(self, source: str) -> None:
    result = relay(source=source)
    if result["more"]:
        self.apply_async((source,))
    elif result["retry_in"] is not None:
        self.apply_async((source,), countdown=result["retry_in"])
