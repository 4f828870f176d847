"""What the Sales console's pages share (SPEC §3 steps 4-8): reps view records and change them
through the update services; a record page with a timeline has buttons whose intermediate forms
call the decision services. Nobody deletes here; a refusal becomes a message."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from core.access import SALES_REPRESENTATIVES, actor_name, user_in_groups
from core.admin.options import ConsoleAdmin, refusal_text
from core.errors import ServiceError
from sales import selectors
from sales.forms import NoteForm
from sales.models import Lead, Opportunity

from .process import ProcessBar


def is_sales_rep(user) -> bool:
    """Sales representatives and superusers."""
    return user_in_groups(user, SALES_REPRESENTATIVES)


def commerce_decides(record: Lead | Opportunity) -> bool:
    """The Sales integration is off and the record comes from a Commerce partner request, which
    HQ then decides itself (SPEC §3 step 9; sales.services refuses the decision here)."""
    if settings.SALES_INTEGRATION_ENABLED:
        return False
    if isinstance(record, Lead):
        return record.lead_source == Lead.Source.B2B_COMMERCE
    return bool(record.prospect_number)


def decision_banners(record: Lead | Opportunity) -> list[dict]:
    """Warnings at the top of a lead's or an opportunity's page: who decides its open partner
    request now, and a decision that dual-write could not apply in Commerce."""
    banners = []
    if record.status == record.Status.OPEN and commerce_decides(record):
        banners.append(
            {
                "level": "warning",
                "text": gettext(
                    "The Sales integration is off, so Commerce decides partner requests now: "
                    "approve or reject prospect %(number)s in HQ."
                )
                % {"number": record.prospect_number or "—"},
            }
        )
    if record.sync_error:
        banners.append(
            {
                "level": "error",
                "text": gettext("Dual-write could not apply this decision in Commerce: %(error)s")
                % {"error": record.sync_error},
            }
        )
    return banners


class SalesRecordAdmin(ConsoleAdmin):
    """Reps view records and change them through the update service; nobody adds or deletes."""

    access_groups = (SALES_REPRESENTATIVES,)
    # One COUNT per page, not two: the unfiltered total is not worth a second table scan.
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and formfield is not None:
            formfield.widget.attrs["rows"] = 3  # a comment or description, not a document
        return formfield

    @admin.display(description=_("language"))
    def language_name(self, obj) -> str:
        """The record's language by its name in the reader's language ("Polish"), not "pl"."""
        try:
            return get_language_info(obj.language)["name_translated"]
        except KeyError:
            return obj.language

    def get_fieldsets(self, request, obj=None):
        return self.language_by_name(request, obj, super().get_fieldsets(request, obj))

    def language_by_name(self, request, obj, fieldsets):
        """A page the reader cannot edit names the language instead of showing its code."""
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        "language_name" if field == "language" else field
                        for field in options["fields"]
                    ),
                },
            )
            for name, options in fieldsets
        ]

    def update_record(self, pk: int, values: dict) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change) -> None:
        self.update_record(obj.pk, {name: form.cleaned_data[name] for name in form.changed_data})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, ServiceError) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


class TimelineAdmin(SalesRecordAdmin):
    """A record page with action buttons, its timeline (newest first) and a note form."""

    change_form_template = "admin/sales/record_change_form.html"

    # List columns that keep the lists within 1280 px.

    @admin.display(description=_("status"), ordering="status")
    def status_with_reason(self, obj) -> str:
        """ "Open · New", "Disqualified · Cannot contact"; "Won" where the reason repeats it."""
        status, reason = obj.get_status_display(), obj.get_status_reason_display()
        return status if reason == status else f"{status} · {reason}"

    @admin.display(description=_("created"), ordering="created_at")
    def created_on(self, obj) -> str:
        return formats.date_format(timezone.localtime(obj.created_at))

    @admin.display(description=_("prospect"), ordering="prospect_number")
    def prospect(self, obj) -> str | None:
        return obj.prospect_number or None

    def record_actions(self, request, obj) -> list[dict]:
        raise NotImplementedError

    def timeline(self, obj) -> list[selectors.TimelineEntry]:
        raise NotImplementedError

    def process(self, obj) -> ProcessBar:
        raise NotImplementedError

    def note_add(self, obj, *, text: str, actor: str) -> None:
        raise NotImplementedError

    def action_url(self, obj, action: str) -> str:
        return self.page_url(action, quote(obj.pk))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            rep = is_sales_rep(request.user)
            extra_context = {
                "record_actions": self.record_actions(request, obj) if rep else [],
                "record_banners": decision_banners(obj),
                "process": self.process(obj),
                "timeline": self.timeline(obj),
                "note_form": NoteForm() if rep else None,
                "note_url": self.action_url(obj, "note") if rep else "",
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def note_view(self, request, object_id):
        obj = self.record_for_action(request, object_id)
        form = NoteForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request, " ".join(str(error) for error in form.errors["text"]), messages.ERROR
            )
            return HttpResponseRedirect(self.change_url(obj))

        def note_add() -> str:
            self.note_add(obj, text=form.cleaned_data["text"], actor=actor_name(request.user))
            return gettext("The note was added.")

        return self.action_button(request, note_add, then=self.change_url(obj))

    def action_path(self, action: str, view, *, post_only=False):
        return self.page_path(f"<path:object_id>/{action}/", action, view, post_only=post_only)

    def get_urls(self):
        return [
            self.action_path("note", self.note_view, post_only=True),
            *self.action_urls(),
            *super().get_urls(),
        ]

    def action_urls(self) -> list:
        return []
