"""The model admin every console page derives from, and its "action page": a console button
opens a form (or is a bare POST button), calls one service, reports the outcome as a message
and goes back. Records change only through services, so every button works this way."""

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.errors import ServiceError

from .access import GroupAccess

ACTION_FORM_TEMPLATE = "admin/console/action_form.html"


def refusal_text(exc: ValidationError | ServiceError) -> str:
    """A refusal in one message."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message)


def _refusal_on_form(form: forms.Form, exc: ValidationError | ServiceError) -> None:
    """A refusal's errors on the form's fields where it has them."""
    if isinstance(exc, ServiceError):
        for field, errors in exc.details.get("errors", {}).items():
            if field in form.fields:
                form.add_error(field, errors)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ConsoleAdmin(GroupAccess, admin.ModelAdmin):
    """A console's list and record pages; its buttons are open to `has_group_permission`."""

    # The list page's name where it differs from the model's plural (see ConsoleSite).
    list_title: str | Promise | None = None
    # The database the records are read from where it is not the router's choice.
    db_alias: str | None = None
    action_form_template = ACTION_FORM_TEMPLATE

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.using(self.db_alias) if self.db_alias else queryset

    def changelist_view(self, request, extra_context=None):
        if self.list_title:
            extra_context = {"title": self.list_title, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # --- URLs ---------------------------------------------------------------------------------

    def page_path(self, route: str, name: str, view, *, post_only=False, kwargs=None):
        """A page of this admin, named `<app>_<model>_<name>` like Django's own."""
        view = require_POST(view) if post_only else view
        opts = self.opts
        url_name = f"{opts.app_label}_{opts.model_name}_{name}"
        return path(route, self.admin_site.admin_view(view), kwargs, name=url_name)

    def page_url(self, name: str, *args) -> str:
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    def change_url(self, obj) -> str:
        """The page of a record, of this model or another on the same site."""
        opts = obj._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def link(self, obj):
        if obj is None:
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', self.change_url(obj), obj)

    # --- action pages -------------------------------------------------------------------------

    def require_action_permission(self, request) -> None:
        if not self.has_group_permission(request):
            raise PermissionDenied

    def record_for_action(self, request, object_id):
        """The record a button acts on, for those who may use the buttons."""
        self.require_action_permission(request)
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404(gettext("This record does not exist."))
        return record

    def action_report(self, request, perform: Callable[[], str]) -> bool:
        """Calls the service; its success message, or why it refused, goes to the user."""
        try:
            done = perform()
        except (ValidationError, ServiceError) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return False
        self.message_user(request, done, messages.SUCCESS)
        return True

    def action_button(self, request, perform: Callable[[], str], *, then: str):
        """A bare POST button: the service, its message, and back to `then`."""
        self.require_action_permission(request)
        self.action_report(request, perform)
        return HttpResponseRedirect(then)

    def action_page(
        self,
        request,
        record,
        *,
        form_class: type[forms.Form],
        perform: Callable[[Any], str],
        title: str,
        submit_label: str,
        intro: str = "",
        form_kwargs: dict | None = None,
        refused_goes_back: bool = False,
        template: str | None = None,
        context: dict | None = None,
    ):
        """An intermediate form page: a valid POST calls the service (`perform` gets the form
        and returns the success message) and goes back to the record. A refusal shows beside
        the form, or with `refused_goes_back` as a message on the record's page."""
        back_url = self.change_url(record)
        form = form_class(request.POST if request.method == "POST" else None, **(form_kwargs or {}))
        if form.is_valid():
            try:
                done = perform(form)
            except (ValidationError, ServiceError) as exc:
                if isinstance(exc, ServiceError):
                    self.message_user(request, exc.message, messages.ERROR)
                    if refused_goes_back:
                        return HttpResponseRedirect(back_url)
                _refusal_on_form(form, exc)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(back_url)
        return self.action_form_response(
            request,
            form=form,
            title=title,
            submit_label=submit_label,
            back_url=back_url,
            original=record,
            context={"intro": intro, **(context or {})},
            template=template,
        )

    def confirm_page(
        self,
        request,
        record,
        *,
        perform: Callable[[], str],
        title: str,
        submit_label: str,
        consequences: Iterable[str] = (),
        intro: str = "",
        template: str | None = None,
        context: dict | None = None,
    ):
        """A record button's confirmation step: GET shows what will happen (`consequences`,
        one sentence each), the POST of its submit calls the service (`perform` returns the
        success message) and goes back to the record; a refusal shows there as a message."""
        return self.action_page(
            request,
            record,
            form_class=forms.Form,
            perform=lambda form: perform(),
            title=title,
            submit_label=submit_label,
            intro=intro,
            refused_goes_back=True,
            template=template,
            context={"consequences": [str(text) for text in consequences], **(context or {})},
        )

    def action_form_response(
        self,
        request,
        *,
        form: forms.Form,
        title: str,
        submit_label: str,
        back_url: str,
        original=None,
        context: dict | None = None,
        template: str | None = None,
    ):
        """The one intermediate-form page of the consoles (also a bulk action's)."""
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "submit_label": submit_label,
            "opts": self.opts,
            "list_title": self.list_title,
            "original": original,
            "form": form,
            "back_url": back_url,
            **(context or {}),
        }
        return TemplateResponse(request, template or self.action_form_template, context)

    # --- bulk actions -------------------------------------------------------------------------

    def each_report(self, request, records: Iterable, perform: Callable[[Any], str]) -> None:
        """One message per record: what was done, or why the service refused."""
        for record in records:
            self.action_report(request, partial(perform, record))

    def tally_report(
        self,
        request,
        records: Iterable,
        perform: Callable[[Any], object],
        *,
        done: str,
        left: str,
        refused: tuple[type[Exception], ...] = (ServiceError,),
    ) -> None:
        """Two messages for the selection: how many were done, how many the service left as
        they are (`done` and `left` take the %(count)d)."""
        done_count = left_count = 0
        for record in records:
            try:
                perform(record)
            except refused:
                left_count += 1
            else:
                done_count += 1
        if done_count:
            self.message_user(request, done % {"count": done_count}, messages.SUCCESS)
        if left_count:
            self.message_user(request, left % {"count": left_count}, messages.WARNING)
