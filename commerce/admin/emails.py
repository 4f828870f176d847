"""HQ's emails (SPEC §9): the notifications sent, which the back office may send again, and
the decline messages it words per reason category and language."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce import selectors, services
from commerce.models import DeclineMessage, EmailNotification
from consoles.hq import hq_site
from core.access import COMMERCE_BACK_OFFICE, actor_name
from core.admin.display import preformatted, shortened
from core.admin.options import ConsoleAdmin
from core.validators import validate_multiline

from .base import DB, CommerceRecordAdmin, language_name, short_datetime


@admin.register(EmailNotification, site=hq_site)
class EmailNotificationAdmin(CommerceRecordAdmin):
    # What fits at 1280 px; the subject and body are on the record.
    list_display = (
        "type",
        "recipient",
        "language_name",
        "status",
        "attempts",
        "created",
        "sent",
        "short_last_error",
    )
    list_filter = ("type", "status")
    search_fields = ("recipient",)
    actions = ("send_again",)
    readonly_fields = ("language_name", "text_body", "html_source")
    fieldsets = (
        (
            _("Email"),
            {"fields": ("notification_id", "type", "recipient", "language_name", "subject")},
        ),
        (
            _("Delivery"),
            {
                "fields": (
                    "status",
                    "attempts",
                    "created_at",
                    "next_attempt_at",
                    "sent_at",
                    "last_error",
                )
            },
        ),
        (_("Body"), {"fields": ("text_body", "html_source")}),
    )

    @admin.display(description=_("language"))
    def language_name(self, notification: EmailNotification) -> str:
        return language_name(notification.language)

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, notification: EmailNotification) -> str | None:
        return short_datetime(notification.created_at)

    @admin.display(description=_("sent"), ordering="sent_at")
    def sent(self, notification: EmailNotification) -> str | None:
        return short_datetime(notification.sent_at)

    @admin.display(description=_("last error"))
    def short_last_error(self, notification: EmailNotification) -> str:
        return shortened(notification.last_error)

    @admin.display(description=_("text"))
    def text_body(self, notification: EmailNotification):
        return preformatted(selectors.email_notification_content(notification).body_text)

    @admin.display(description=_("HTML source"))
    def html_source(self, notification: EmailNotification):
        return preformatted(selectors.email_notification_content(notification).body_html)

    @admin.action(description=_("Send the selected failed emails again"))
    def send_again(self, request, queryset) -> None:
        self.tally_report(
            request,
            queryset,
            lambda notification: services.email_notification_retry(notification_id=notification.pk),
            done=gettext("%(count)d emails are queued to be sent again."),
            left=gettext("%(count)d selected emails had not failed and were left as they are."),
        )


class DeclineMessageForm(forms.ModelForm):
    text = forms.CharField(
        label=_("customer-facing message"),
        max_length=services.DECLINE_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        validators=[validate_multiline],
        help_text=_(
            "The decline email shows this paragraph to the customer, in this language. Never "
            "name a competitor, the internal reason or a rep's notes."
        ),
    )

    class Meta:
        model = DeclineMessage
        fields = ("category", "language", "text")


class DeclineMessageAddForm(DeclineMessageForm):
    """A new line picks its language; a saved one shows it by name and keeps it."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


@admin.register(DeclineMessage, site=hq_site)
class DeclineMessageAdmin(ConsoleAdmin):
    """The back office words the decline email per reason category and language; saved
    through `decline_message_set`. The generic lines are the fallback, so none is deleted."""

    access_groups = (COMMERCE_BACK_OFFICE,)
    db_alias = DB
    form = DeclineMessageForm
    list_display = ("category", "language_name", "short_text", "updated_at", "updated_by")
    list_filter = ("category", "language")
    search_fields = ("text",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("category", "language", "text")
        return ("category", "language_name", "text", "updated_at", "updated_by")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("category", "language_name", "updated_at", "updated_by")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DeclineMessageAddForm
        return super().get_form(request, obj, change, **kwargs)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("language"), ordering="language")
    def language_name(self, message: DeclineMessage) -> str:
        return language_name(message.language)

    @admin.display(description=_("customer-facing message"))
    def short_text(self, message: DeclineMessage) -> str:
        return shortened(message.text)

    def save_model(self, request, obj, form, change) -> None:
        saved = services.decline_message_set(
            category=obj.category,
            language=obj.language,
            text=obj.text,
            actor=actor_name(request.user),
        )
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by
        obj._state.adding, obj._state.db = False, DB
