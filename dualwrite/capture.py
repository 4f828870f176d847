"""Signal receivers that turn Commerce and Sales changes into outbox rows.

Each runs inside the transaction of the change, so the outbox row commits or rolls back with
it. Changes dual-write applies itself are skipped by `outbox_write` (loop prevention).
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from commerce.models import Customer
from commerce.signals import prospects_created
from sales.models import Account, Contact, Lead, Opportunity

from .maps import (
    ACCOUNTS_ORGANIZATION_CUSTOMERS,
    CONTACTS_PERSON_CUSTOMERS,
    LEAD_STATUS_TO_PROSPECTS,
    OPPORTUNITY_STATUS_TO_PROSPECTS,
    PROSPECTS_TO_LEADS,
    TableMap,
)
from .models import OutboxMessage
from .outbox import outbox_write


def _message(table_map: TableMap, record, *, source: str, event: str) -> OutboxMessage:
    return OutboxMessage(
        map=table_map.code,
        record_key=table_map.record_key(record, source=source),
        event=event,
        payload=table_map.to_payload(record, source=source),
        version=getattr(record, "version", 1) or 1,
    )


def _write(table_map: TableMap, records, *, source: str, event: str) -> None:
    if not settings.SALES_INTEGRATION_ENABLED:
        return
    outbox_write(
        using=source,
        messages=[_message(table_map, record, source=source, event=event) for record in records],
    )


@receiver(prospects_created, dispatch_uid="dualwrite.prospects_created")
def prospects_to_leads(sender, prospects, **kwargs) -> None:
    _write(PROSPECTS_TO_LEADS, prospects, source="commerce", event="created")


@receiver(post_transition, sender=Lead, dispatch_uid="dualwrite.lead_status")
def lead_status_to_prospects(sender, instance, name, target, **kwargs) -> None:
    if target == "disqualified" and instance.prospect_number:
        _write(LEAD_STATUS_TO_PROSPECTS, [instance], source="sales", event=name)


@receiver(post_transition, sender=Opportunity, dispatch_uid="dualwrite.opportunity_status")
def opportunity_status_to_prospects(sender, instance, name, target, **kwargs) -> None:
    if target in ("won", "lost") and instance.prospect_number:
        _write(OPPORTUNITY_STATUS_TO_PROSPECTS, [instance], source="sales", event=name)


@receiver(post_save, sender=Account, dispatch_uid="dualwrite.account_saved")
def account_to_customer(sender, instance, created, using, **kwargs) -> None:
    event = "created" if created else "updated"
    _write(ACCOUNTS_ORGANIZATION_CUSTOMERS, [instance], source="sales", event=event)


@receiver(post_save, sender=Contact, dispatch_uid="dualwrite.contact_saved")
def contact_to_customer(sender, instance, created, using, **kwargs) -> None:
    event = "created" if created else "updated"
    _write(CONTACTS_PERSON_CUSTOMERS, [instance], source="sales", event=event)


@receiver(post_save, sender=Customer, dispatch_uid="dualwrite.customer_saved")
def customer_to_sales(sender, instance, created, using, **kwargs) -> None:
    table_map = (
        ACCOUNTS_ORGANIZATION_CUSTOMERS
        if instance.party_type == Customer.PartyType.ORGANIZATION
        else CONTACTS_PERSON_CUSTOMERS
    )
    _write(table_map, [instance], source="commerce", event="created" if created else "updated")
