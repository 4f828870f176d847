"""Commerce HQ actions: each one transaction, with its audit rows and on-commit side effects.

By subject: prospects and their approval, decisions made in Sales, customers, hierarchy
members, invitations, staged channel requests, decline messages and queued emails.
"""

from .approval import prospect_approve
from .channel_requests import channel_request_retry
from .common import number_sequence_take
from .customers import (
    CUSTOMER_SYNC_FIELDS,
    customer_credit_limit_set,
    customer_upsert,
    customers_upsert_many,
)
from .decisions import prospect_decision_apply
from .decline_messages import DECLINE_MESSAGE_MAX_LENGTH, decline_message_set
from .invitations import invitation_create, invitation_redeem, invitation_renew, invitation_url
from .members import (
    ONE_ORGANIZATION,
    hierarchy_member_add,
    hierarchy_member_change,
    hierarchy_member_remove,
)
from .notifications import email_notification_retry, email_notifications_queue
from .orders import channel_orders_take, sales_order_cancel, sales_order_confirm
from .products import PRODUCT_FIELDS, product_number_clean, product_save
from .prospects import prospect_reject, prospect_reopen, prospect_sync_error_set, prospects_create

__all__ = [
    "CUSTOMER_SYNC_FIELDS",
    "DECLINE_MESSAGE_MAX_LENGTH",
    "ONE_ORGANIZATION",
    "PRODUCT_FIELDS",
    "channel_orders_take",
    "channel_request_retry",
    "customer_credit_limit_set",
    "customer_upsert",
    "customers_upsert_many",
    "decline_message_set",
    "email_notification_retry",
    "email_notifications_queue",
    "hierarchy_member_add",
    "hierarchy_member_change",
    "hierarchy_member_remove",
    "invitation_create",
    "invitation_redeem",
    "invitation_renew",
    "invitation_url",
    "number_sequence_take",
    "product_number_clean",
    "product_save",
    "prospect_approve",
    "prospect_decision_apply",
    "prospect_reject",
    "prospect_reopen",
    "prospect_sync_error_set",
    "prospects_create",
    "sales_order_cancel",
    "sales_order_confirm",
]
