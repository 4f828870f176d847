"""The HQ (Commerce) models, one module a subject; every model is importable from here."""

from .audit import AuditEntry, TransitionLog
from .jobs import ChannelRequest, JobRun
from .notifications import DeclineMessage, EmailNotification
from .orders import Product, SalesOrder, SalesOrderLine
from .parties import (
    Customer,
    CustomerHierarchy,
    HierarchyMember,
    Invitation,
    NumberSequence,
    Prospect,
)

__all__ = [
    "AuditEntry",
    "ChannelRequest",
    "Customer",
    "CustomerHierarchy",
    "DeclineMessage",
    "EmailNotification",
    "HierarchyMember",
    "Invitation",
    "JobRun",
    "NumberSequence",
    "Product",
    "Prospect",
    "SalesOrder",
    "SalesOrderLine",
    "TransitionLog",
]
