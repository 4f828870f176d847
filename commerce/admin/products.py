"""HQ's products (SPEC §13): the catalog partners order from. Saving goes through
`product_save`, which kicks job 1040 so the site has the change within seconds."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from commerce import services
from commerce.models import Product
from consoles.hq import hq_site
from core.access import COMMERCE_BACK_OFFICE, actor_name
from core.admin.options import ConsoleAdmin
from core.formatting import money

from .base import DB, short_datetime


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ("product_number", *services.PRODUCT_FIELDS)
        help_texts = {
            "product_number": _("Kept in capitals, without spaces."),
            "currency": _("Three-letter ISO 4217 code, such as EUR, PLN or CZK."),
            "active": _("Only active products are shown and ordered on the B2B site."),
        }

    def clean_product_number(self) -> str:
        return services.product_number_clean(self.cleaned_data["product_number"])

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()


@admin.register(Product, site=hq_site)
class ProductAdmin(ConsoleAdmin):
    access_groups = (COMMERCE_BACK_OFFICE,)
    db_alias = DB
    form = ProductForm
    list_display = ("product_number", "name_en", "unit", "price_shown", "currency", "active")
    list_display_links = ("product_number", "name_en")
    list_filter = ("active", "unit", "currency")
    search_fields = ("product_number", "name_en", "name_pl", "name_cs")
    show_full_result_count = False
    fieldsets = (
        (_("Product"), {"fields": ("product_number", "unit", "price", "currency", "active")}),
        (_("English"), {"fields": ("name_en", "description_en")}),
        (_("Polish"), {"fields": ("name_pl", "description_pl")}),
        (_("Czech"), {"fields": ("name_cs", "description_cs")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # A product's number is its key on the site and in orders: it is never changed.
        if obj is None:
            return ()
        return ("product_number", "created", "updated")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        first, *rest = self.fieldsets
        return ((first[0], {"fields": (*first[1]["fields"], "created", "updated")}), *rest)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Orders keep their products' numbers: a product is made inactive, not deleted.
        return False

    @admin.display(description=_("price"), ordering="price")
    def price_shown(self, product: Product) -> str:
        return money(product.price, product.currency)

    @admin.display(description=_("created"))
    def created(self, product: Product) -> str:
        return short_datetime(product.created_at)

    @admin.display(description=_("updated"))
    def updated(self, product: Product) -> str:
        return short_datetime(product.updated_at)

    def save_model(self, request, obj, form, change) -> None:
        saved = services.product_save(
            product_number=obj.product_number,
            values={name: getattr(obj, name) for name in services.PRODUCT_FIELDS},
            actor=actor_name(request.user),
        )
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at
        obj._state.adding, obj._state.db = False, DB
