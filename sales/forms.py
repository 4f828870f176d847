"""The Sales console's intermediate forms (qualify, disqualify, close, note)."""

from typing import cast

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import validate_business_date
from core.validators import validate_multiline, validate_single_line

from .models import Lead, Opportunity
from .selectors import DUPLICATE_REASONS, DuplicateCandidate, account_list, contact_list


def _description_field() -> forms.CharField:
    return forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        validators=[validate_multiline],
    )


def _close_date_field() -> forms.DateField:
    # An ISO value whatever the locale, as the browser's date picker expects.
    return forms.DateField(
        label=_("Close date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_business_date],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=5000,
        validators=[validate_multiline],
        # The width of the timeline beside the record, whatever it is.
        widget=forms.Textarea(attrs={"rows": 3, "style": "width: 100%; box-sizing: border-box"}),
    )


class DisqualifyForm(forms.Form):
    status_reason = forms.ChoiceField(
        label=_("Status reason"),
        choices=[(reason.value, reason.label) for reason in Lead.DISQUALIFY_REASONS],
    )
    description = _description_field()


class QualifyForm(forms.Form):
    """Create or link an account and a contact, and create an opportunity (SPEC §3 step 5).

    Possible duplicates are offered as choices; keeping "create new" while they exist needs
    the "ignore and save" confirmation, which the service enforces.
    """

    NEW = "new"
    OTHER = "other"
    NONE = "none"

    account = forms.ChoiceField(label=_("Account"), widget=forms.RadioSelect)
    other_account = forms.ModelChoiceField(
        label=_("Other existing account"), queryset=account_list(), required=False
    )
    contact = forms.ChoiceField(label=_("Contact"), widget=forms.RadioSelect)
    other_contact = forms.ModelChoiceField(
        label=_("Other existing contact"), queryset=contact_list(), required=False
    )
    create_opportunity = forms.BooleanField(
        label=_("Create an opportunity"), required=False, initial=True
    )
    ignore_duplicates = forms.BooleanField(
        label=_("Ignore the possible duplicates and save new records"), required=False
    )

    def __init__(self, *args, candidates: list[DuplicateCandidate], admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # Found by a search as the rep types (the admin's autocomplete of the lead's links),
        # never by typing a number.
        for name, link in (("other_account", "account"), ("other_contact", "contact")):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.widget = AutocompleteSelect(
                Lead._meta.get_field(link), admin_site, attrs={"style": "width: 24em"}
            )
            field.widget.choices = field.choices
        cast(forms.ChoiceField, self.fields["account"]).choices = self._choices(
            candidates,
            "account",
            new=_("Create a new account from the Company section"),
            other=_("Link another existing account (search below)"),
            none=_("No account"),
        )
        cast(forms.ChoiceField, self.fields["contact"]).choices = self._choices(
            candidates,
            "contact",
            new=_("Create a new contact from the Contact section"),
            other=_("Link another existing contact (search below)"),
            none=_("No contact"),
        )
        self.initial.setdefault("account", self.NEW)
        self.initial.setdefault("contact", self.NEW)

    def _choices(self, candidates, kind: str, *, new, other, none) -> list[tuple[str, str]]:
        existing = [
            (
                candidate.number,
                _("Use %(number)s %(name)s %(email)s (%(reason)s)")
                % {
                    "number": candidate.number,
                    "name": candidate.name,
                    "email": f"<{candidate.email}>" if candidate.email else "",
                    "reason": DUPLICATE_REASONS[candidate.reason],
                },
            )
            for candidate in candidates
            if candidate.kind == kind
        ]
        return [(self.NEW, new), *existing, (self.OTHER, other), (self.NONE, none)]

    def _existing_number(self, choice_field: str, other_field: str, number_field: str):
        choice = self.cleaned_data.get(choice_field)
        if choice == self.OTHER:
            record = self.cleaned_data.get(other_field)
            if record is None:
                self.add_error(other_field, _("Choose the record to link."))
                return None
            return getattr(record, number_field)
        return None if choice in (self.NEW, self.NONE, None) else choice

    def clean(self) -> dict:
        super().clean()
        self.cleaned_data["existing_account_number"] = self._existing_number(
            "account", "other_account", "account_number"
        )
        self.cleaned_data["existing_contact_number"] = self._existing_number(
            "contact", "other_contact", "contact_number"
        )
        return self.cleaned_data

    def service_arguments(self) -> dict:
        """The keyword arguments of services.lead_qualify this form stands for."""
        data = self.cleaned_data
        return {
            "create_account": data["account"] == self.NEW,
            "existing_account_number": data["existing_account_number"],
            "create_contact": data["contact"] == self.NEW,
            "existing_contact_number": data["existing_contact_number"],
            "create_opportunity": data["create_opportunity"],
            "ignore_duplicates": data["ignore_duplicates"],
        }


class CloseAsWonForm(forms.Form):
    actual_revenue = forms.DecimalField(
        label=_("Actual revenue"), max_digits=14, decimal_places=2, min_value=0
    )
    close_date = _close_date_field()
    description = _description_field()


class CloseAsLostForm(forms.Form):
    status_reason = forms.ChoiceField(
        label=_("Status reason"),
        choices=[(reason.value, reason.label) for reason in Opportunity.LOST_REASONS],
    )
    competitor = forms.CharField(
        label=_("Competitor"), required=False, max_length=200, validators=[validate_single_line]
    )
    close_date = _close_date_field()
    description = _description_field()
