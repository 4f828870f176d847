"""Forms of the shop pages: they read what a partner typed; the shop's services decide."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..forms import SiteForm
from ..models import Order
from .checkout import PURCHASE_ORDER_MAX
from .quick_order import MAX_QUANTITY

# A quick-order file is a list of lines, not a spreadsheet with pictures: 256 KB holds thousands.
QUICK_ORDER_FILE_MAX = 256 * 1024
REASON_MAX = 1000
SEARCH_MAX = 100


def _quantity_field(*, minimum: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Quantity"),
        min_value=minimum,
        max_value=MAX_QUANTITY,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
    )


class CartAddForm(SiteForm):
    product_number = forms.CharField(max_length=20, widget=forms.HiddenInput)
    quantity = _quantity_field(minimum=1)


class CartLineForm(SiteForm):
    """A cart line's new quantity; 0 (or the Remove button) takes the product out."""

    product_number = forms.CharField(max_length=20, widget=forms.HiddenInput)
    quantity = _quantity_field(minimum=0)


class CheckoutForm(SiteForm):
    purchase_order = forms.CharField(
        label=_("Your purchase-order reference"),
        max_length=PURCHASE_ORDER_MAX,
        help_text=_("Your own order number; we print it on the delivery note and the invoice."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _decoded(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1250 as Excel in Poland and
    Czechia saves CSV files."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1250", errors="replace")


class QuickOrderForm(SiteForm):
    text = forms.CharField(
        label=_("Product numbers and quantities"),
        required=False,
        help_text=_('One product a line: "product number, quantity", for example "FX-100, 25".'),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_(
            "Two columns, product number and quantity, separated by commas, semicolons or tabs; "
            "at most 256 KB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > QUICK_ORDER_FILE_MAX:
            raise forms.ValidationError(
                gettext("The file is too large (at most %(size)s KB).")
                % {"size": number_format(QUICK_ORDER_FILE_MAX // 1024)},
                code="too_large",
            )
        content = upload.read(QUICK_ORDER_FILE_MAX + 1)
        if b"\x00" in content:
            raise forms.ValidationError(
                gettext("This is not a text (CSV) file. Save it as CSV and try again."),
                code="not_text",
            )
        return _decoded(content)

    def clean(self):
        cleaned = super().clean() or {}
        if not self.errors and not (cleaned.get("text", "").strip() or cleaned.get("file")):
            raise forms.ValidationError(
                gettext("Type some lines or choose a CSV file."), code="required"
            )
        return cleaned

    def sources(self) -> list[tuple[str, str]]:
        """(where, lines) of each source given: the typed lines, then the file's; each is read
        on its own so that an error names the line of its own source."""
        sources = [
            (str(_("Typed lines")), self.cleaned_data["text"]),
            (str(_("File")), self.cleaned_data["file"]),
        ]
        return [(where, text) for where, text in sources if text.strip()]


class DeclineForm(SiteForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("The buyer receives it by email."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OrderFilterForm(SiteForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Order.Status.choices],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX,
        help_text=_("Order number, purchase order or buyer."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""
