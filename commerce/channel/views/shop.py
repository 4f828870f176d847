"""The shop's pages (SPEC §13): catalog, product, cart with checkout on account, quick order."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import actor_name
from core.errors import ServiceError

from ..shop.checkout import order_checkout
from ..shop.forms import SEARCH_MAX, CartAddForm, CartLineForm, CheckoutForm, QuickOrderForm
from ..shop.selectors import (
    cart_for_user,
    month_spent,
    organization_credit,
    product_active,
    products_search,
)
from ..shop.services import cart_line_set, quick_order_add
from .page import page
from .portal import partner_required

PER_PAGE = 24


def _query(request) -> str:
    return " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]


def paged(request, items, *, per_page: int = PER_PAGE, **keep: str):
    """The page the request asks for (a missing, odd or too high number gives the first or the
    last page), and the query string of its neighbours' links."""
    page_obj = Paginator(items, per_page).get_page(request.GET.get("page"))
    kept = urlencode({name: value for name, value in keep.items() if value})
    return page_obj, (kept + "&" if kept else "")


@partner_required
@require_GET
def catalog(request):
    query = _query(request)
    products, keep = paged(request, products_search(query=query), q=query)
    return page(
        request,
        "channel/shop/catalog.html",
        {
            "query": query,
            "products": products,
            "keep": keep,
            "next": request.get_full_path(),
        },
    )


@partner_required
@require_GET
def product(request, product_number: str):
    found = product_active(product_number=product_number.upper())
    if found is None:
        raise Http404(_("There is no such product in the shop."))
    return page(
        request,
        "channel/shop/product.html",
        {"product": found, "next": request.get_full_path()},
    )


def _back(request, default: str = "channel:cart"):
    """Back to the page the form was on (this site's only), else to `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _form_errors_say(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, str(errors[0]))


@partner_required
@require_POST
def cart_add(request):
    form = CartAddForm(request.POST)
    if not form.is_valid():
        _form_errors_say(request, form)
        return _back(request)
    number, quantity = form.cleaned_data["product_number"], form.cleaned_data["quantity"]
    try:
        cart_line_set(user_id=request.user.pk, product_number=number, quantity=quantity, add=True)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        found = product_active(product_number=number)
        messages.success(
            request,
            _("Added to your cart: %(name)s, quantity %(quantity)s.")
            % {"quantity": quantity, "name": found.name if found else number},
        )
    return _back(request)


@partner_required
@require_POST
def cart_update(request):
    form = CartLineForm(request.POST)
    remove = "remove" in request.POST
    if remove:
        form.data = {**request.POST.dict(), "quantity": "0"}
    if not form.is_valid():
        _form_errors_say(request, form)
        return redirect("channel:cart")
    try:
        cart_line_set(
            user_id=request.user.pk,
            product_number=form.cleaned_data["product_number"],
            quantity=form.cleaned_data["quantity"],
        )
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(number)s is removed from your cart.")
            % {"number": form.cleaned_data["product_number"]}
            if form.cleaned_data["quantity"] == 0
            else _("Your cart is updated."),
        )
    return redirect("channel:cart")


def _cart_page(request, form: CheckoutForm, *, status: int = 200):
    member = request.partner
    organization = member.hierarchy.organization
    return page(
        request,
        "channel/shop/cart.html",
        {
            "cart": cart_for_user(user_id=request.user.pk),
            "form": form,
            "member": member,
            "organization": organization,
            "credit": organization_credit(organization=organization),
            "month_spent": month_spent(user_id=request.user.pk),
        },
        status=status,
    )


@partner_required
@require_GET
def cart(request):
    return _cart_page(request, CheckoutForm())


@partner_required
@require_POST
def checkout(request):
    form = CheckoutForm(request.POST)
    if form.is_valid():
        try:
            order = order_checkout(
                user_id=request.user.pk,
                purchase_order=form.cleaned_data["purchase_order"],
                actor=actor_name(request.user),
            )
        except ValidationError as exc:
            form.add_error("purchase_order", exc)
        except ServiceError as exc:
            field = "purchase_order" if "purchase_order" in exc.details else None
            form.add_error(field, str(exc.message))
        else:
            if order.status == order.Status.AWAITING_APPROVAL:
                messages.warning(
                    request,
                    _(
                        "Order %(number)s is awaiting approval by an admin of your "
                        "organization: %(reason)s"
                    )
                    % {"number": order.number, "reason": order.approval_reason},
                )
            else:
                messages.success(
                    request, _("Thank you: order %(number)s is placed.") % {"number": order.number}
                )
            return redirect("channel:order", number=order.number)
    return _cart_page(request, form, status=400)


@partner_required
@require_http_methods(["GET", "POST"])
def quick_order(request):
    form = QuickOrderForm(request.POST or None, request.FILES or None)
    results = []
    if request.method == "POST" and form.is_valid():
        for where, text in form.sources():
            result = quick_order_add(user_id=request.user.pk, text=text)
            results.append({"source": where, "added": result.added, "errors": result.errors})
        added = sum(len(result["added"]) for result in results)
        errors = sum(len(result["errors"]) for result in results)
        if added and not errors:
            messages.success(
                request,
                _("%(count)s products are added to your cart.") % {"count": added},
            )
            return redirect("channel:cart")
        if not added and not errors:
            form.add_error(None, _("No line with a product number and a quantity was found."))
        else:
            # Only the lines in error are left to correct: the others are in the cart.
            form = QuickOrderForm(initial={"text": _lines_in_error(results)})
    return page(
        request,
        "channel/shop/quick_order.html",
        {"form": form, "results": results, "added": any(r["added"] for r in results)},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _lines_in_error(results) -> str:
    return "\n".join(error.text for result in results for error in result["errors"])
