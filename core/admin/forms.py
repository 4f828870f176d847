"""Fields of the consoles' intermediate forms."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import validate_multiline

if TYPE_CHECKING:  # the stubs' name for a lazy string; not installed in production
    from django_stubs_ext import StrPromise


def reason_field(
    *, help_text: "StrPromise", required: bool = True, rows: int = 3
) -> forms.CharField:
    """The reason a decision or repair is made, kept with the record it changes."""
    return forms.CharField(
        label=_("Reason"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 60}),
        validators=[validate_multiline],
        help_text=help_text,
    )
