"""The order emails (SPEC §13): placed, awaiting an admin's approval, declined, confirmed,
cancelled. Amounts travel as text and are written in the reader's locale when rendered."""

from django.conf import settings

from commerce.models import Customer, EmailNotification

from .rendering import EmailSpec


def _order_url(number: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/partner/orders/{number}/"


def _order_context(order: dict, person: Customer, company_name: str) -> dict:
    """`order`: the site order's payload as P-0001 stages it (or the same keys from HQ);
    `person`: the recipient, greeted by name; `company_name`: the ordering organization."""
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "company_name": company_name,
        "order_number": order["number"],
        "purchase_order": order["purchase_order"],
        "total": order["total"],
        "currency": order["currency"],
        "buyer_name": order["buyer_name"],
        "order_url": _order_url(order["number"]),
        "lines": [
            {
                "product_number": line["product_number"],
                "product_name": line["product_name"],
                "quantity": line["quantity"],
                "line_total": line["line_total"],
            }
            for line in order.get("lines", [])
        ],
    }


def order_placed_email(*, order: dict, buyer: Customer, company_name: str) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.ORDER_PLACED,
        event_key=f"order_placed:{order['order_id']}",
        recipient=order["buyer_email"],
        language=order["buyer_language"],
        context=_order_context(order, buyer, company_name),
    )


def order_approval_requested_email(*, order: dict, admin: Customer, company_name: str) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.ORDER_APPROVAL_REQUESTED,
        event_key=f"order_approval_requested:{order['order_id']}:{admin.account_number}",
        recipient=admin.email,
        language=admin.language,
        context={
            **_order_context(order, admin, company_name),
            "approval_reason": order.get("approval_reason", ""),
        },
    )


def order_declined_email(*, order: dict, buyer: Customer, company_name: str) -> EmailSpec:
    return EmailSpec(
        type=EmailNotification.Type.ORDER_DECLINED,
        event_key=f"order_declined:{order['order_id']}",
        recipient=order["buyer_email"],
        language=order["buyer_language"],
        context={**_order_context(order, buyer, company_name), "reason": order["status_reason"]},
    )


def order_decided_in_hq_email(
    *, order: dict, buyer: Customer, company_name: str, confirmed: bool, reason: str = ""
) -> EmailSpec:
    """HQ confirmed or cancelled the sales order of a site order."""
    kind = (
        EmailNotification.Type.ORDER_CONFIRMED
        if confirmed
        else EmailNotification.Type.ORDER_CANCELLED
    )
    return EmailSpec(
        type=kind,
        event_key=f"{kind}:{order['order_id']}",
        recipient=order["buyer_email"],
        language=order["buyer_language"],
        context={
            **_order_context(order, buyer, company_name),
            "reason": reason,
            "sales_order": order["sales_order"],
        },
    )
