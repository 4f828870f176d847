"""The Sales console's intermediate forms (qualify, disqualify, close, note)."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import validate_business_date
from core.validators import validate_multiline, validate_single_line

from .models import Lead, Opportunity
from .selectors import DUPLICATE_REASONS, DuplicateCandidate


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
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class DisqualifyForm(forms.Form):
    status_reason = forms.ChoiceField(
        label=_("Status reason"),
        choices=[(reason.value, reason.label) for reason in Lead.DISQUALIFY_REASONS],
    )
    description = _description_field()


class ReactivateForm(forms.Form):
    """Nothing to fill in: the page asks for a confirmation."""


class QualifyForm(forms.Form):
    """Create or link an account and a contact, and create an opportunity (SPEC §3 step 5).

    Possible duplicates are offered as choices; keeping "create new" while they exist needs
    the "ignore and save" confirmation, which the service enforces.
    """

    NEW = "new"
    OTHER = "other"
    NONE = "none"

    account = forms.ChoiceField(label=_("Account"), widget=forms.RadioSelect)
    other_account_number = forms.CharField(
        label=_("Other existing account number"),
        required=False,
        max_length=20,
        validators=[validate_single_line],
    )
    contact = forms.ChoiceField(label=_("Contact"), widget=forms.RadioSelect)
    other_contact_number = forms.CharField(
        label=_("Other existing contact number"),
        required=False,
        max_length=20,
        validators=[validate_single_line],
    )
    create_opportunity = forms.BooleanField(
        label=_("Create an opportunity"), required=False, initial=True
    )
    ignore_duplicates = forms.BooleanField(
        label=_("Ignore the possible duplicates and save new records"), required=False
    )

    def __init__(self, *args, candidates: list[DuplicateCandidate], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["account"]).choices = self._choices(
            candidates,
            "account",
            new=_("Create a new account from the Company section"),
            other=_("Link another existing account (number below)"),
            none=_("No account"),
        )
        cast(forms.ChoiceField, self.fields["contact"]).choices = self._choices(
            candidates,
            "contact",
            new=_("Create a new contact from the Contact section"),
            other=_("Link another existing contact (number below)"),
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

    def _existing_number(self, choice_field: str, other_field: str) -> str | None:
        choice = self.cleaned_data.get(choice_field)
        if choice == self.OTHER:
            number = self.cleaned_data.get(other_field, "").strip()
            if not number:
                self.add_error(other_field, _("Enter the number of the record to link."))
            return number or None
        return None if choice in (self.NEW, self.NONE, None) else choice

    def clean(self) -> dict:
        super().clean()
        self.cleaned_data["existing_account_number"] = self._existing_number(
            "account", "other_account_number"
        )
        self.cleaned_data["existing_contact_number"] = self._existing_number(
            "contact", "other_contact_number"
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
