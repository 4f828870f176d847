"""Orders (SPEC §13): history, an order's page, the admins' approvals, and reorder."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import actor_name
from core.errors import ServiceError

from ..models import Order, TransitionLog
from ..shop.forms import DeclineForm, OrderFilterForm
from ..shop.selectors import order_visible, orders_awaiting_approval, orders_visible
from ..shop.services import order_approve, order_decline, order_reorder
from .page import notice, page
from .portal import partner_required
from .shop import paged

DB = "channel"


@partner_required
@require_GET
def order_list(request):
    member = request.partner
    filters = OrderFilterForm(request.GET or None)
    status, query = filters.value("status"), filters.value("q").strip()
    orders, keep = paged(
        request,
        orders_visible(member=member, user_id=request.user.pk, status=status, query=query),
        status=status,
        q=query,
    )
    return page(
        request,
        "channel/shop/orders.html",
        {
            "filters": filters,
            "orders": orders,
            "keep": keep,
            "filtered": bool(status or query),
            "awaiting": list(orders_awaiting_approval(member=member)[:50]),
            "member": member,
        },
    )


@dataclass(frozen=True)
class Step:
    when: datetime
    status: str
    actor: str
    reason: str


def _timeline(order: Order) -> list[Step]:
    """The order's transitions, oldest first, its states in the reader's words."""
    labels = dict(Order.Status.choices)
    return [
        Step(
            when=log.created_at,
            status=str(labels.get(log.target_state, log.target_state)),
            actor=log.actor,
            reason=log.reason,
        )
        for log in TransitionLog.objects.using(DB).filter(
            model=Order._meta.label_lower, object_key=order.number
        )
    ]


def _order_or_404(request, number: str) -> Order:
    order = order_visible(member=request.partner, user_id=request.user.pk, number=number)
    if order is None:
        raise Http404(_("There is no such order among yours."))
    return order


def _may_decide(request, order: Order) -> bool:
    return request.partner.is_admin and order.status == Order.Status.AWAITING_APPROVAL


@partner_required
@require_GET
def order_detail(request, number: str):
    order = _order_or_404(request, number)
    return page(
        request,
        "channel/shop/order.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "timeline": _timeline(order),
            "may_decide": _may_decide(request, order),
            "decline_form": DeclineForm(),
        },
    )


@partner_required
@require_POST
def order_approve_view(request, number: str):
    order = _order_or_404(request, number)
    try:
        order_approve(user_id=request.user.pk, number=order.number, actor=actor_name(request.user))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Order %(number)s is approved and placed.") % {"number": order.number}
        )
    return redirect("channel:order", number=order.number)


@partner_required
@require_http_methods(["GET", "POST"])
def order_decline_view(request, number: str):
    order = _order_or_404(request, number)
    if not request.partner.is_admin:
        return notice(
            request,
            title=_("For admins only"),
            message=_("Only an admin of your organization can approve or decline orders."),
            status=403,
        )
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order_decline(
                user_id=request.user.pk,
                number=order.number,
                reason=form.cleaned_data["reason"],
                actor=actor_name(request.user),
            )
        except ServiceError as exc:
            field = "reason" if "reason" in exc.details else None
            form.add_error(field, str(exc.message))
        else:
            messages.success(
                request,
                _("Order %(number)s is declined; the buyer is told why.")
                % {"number": order.number},
            )
            return redirect("channel:order", number=order.number)
    if order.status != Order.Status.AWAITING_APPROVAL and request.method == "GET":
        messages.error(
            request,
            _("Order %(number)s is not awaiting approval.") % {"number": order.number},
        )
        return redirect("channel:order", number=order.number)
    return page(
        request,
        "channel/shop/order_decline.html",
        {"order": order, "form": form},
        status=400 if form.errors else 200,
    )


@partner_required
@require_POST
def order_reorder_view(request, number: str):
    order = _order_or_404(request, number)
    try:
        unavailable = order_reorder(user_id=request.user.pk, order=order)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("channel:order", number=order.number)
    if unavailable:
        messages.warning(
            request,
            _("These products can no longer be ordered and were left out: %(numbers)s.")
            % {"numbers": ", ".join(unavailable)},
        )
    if len(unavailable) < len(order.lines.all()):
        messages.success(
            request,
            _("The products of order %(number)s are in your cart.") % {"number": order.number},
        )
    return redirect("channel:cart")
