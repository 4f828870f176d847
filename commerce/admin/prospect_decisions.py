"""A prospect's decisions in HQ while the Sales integration is off (SPEC §3 step 9): their
forms, what each will do, and the same decisions in bulk from All prospects."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from commerce import services
from commerce.models import Prospect
from commerce.services.prospects import decision_allowed_check
from core.access import actor_name
from core.admin.forms import reason_field
from core.admin.options import ConsoleAdmin, refusal_text
from core.errors import ServiceError

BULK_TEMPLATE = "admin/hq/commerce/prospect/bulk_decision.html"


class ProspectRejectForm(forms.Form):
    reason = reason_field(
        rows=4,
        help_text=_(
            "Kept on the prospect for HQ only. The requester's email carries the customer-facing "
            "decline message for HQ rejections (editable under Decline messages)."
        ),
    )


class ProspectApproveForm(forms.Form):
    """Approval asks nothing more: its page only confirms what will happen."""


def approval_consequences(prospect: Prospect) -> str:
    return gettext(
        "Approving %(company)s creates the organization and person customers and the customer "
        "hierarchy, and emails the requester, %(name)s (%(email)s), an invitation to the B2B "
        "site."
    ) % {"company": prospect.company_name, "name": prospect.full_name, "email": prospect.email}


def rejection_consequences(prospect: Prospect) -> str:
    return gettext(
        "Rejecting %(company)s closes the request of %(name)s and emails %(email)s the "
        "“B2B prospect rejected” email. No customer is created."
    ) % {"company": prospect.company_name, "name": prospect.full_name, "email": prospect.email}


class ProspectBulkDecisions(ConsoleAdmin):
    """Approve and reject for the selection of All prospects, each prospect through its service."""

    def decisions_refused(self, request) -> bool:
        """With the Sales integration on, HQ decides nothing: the user is told why."""
        try:
            decision_allowed_check(decided_in_sales=False)
        except ServiceError as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return True
        return False

    def _decide_selected(
        self,
        request,
        queryset,
        *,
        action: str,
        form_class: type[forms.Form],
        decide: Callable[[Prospect, forms.Form], object],
        title: str,
        intro: str,
        submit_label: str,
        done: Callable[[int], str],
    ):
        """The confirmation page of a bulk decision; its submit comes back to the action, which
        decides each prospect through the service and reports how many were done or refused."""
        if self.decisions_refused(request):
            return None
        prospects = list(queryset.order_by("prospect_number"))
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            refused: list[str] = []
            for prospect in prospects:
                try:
                    decide(prospect, form)
                except (ServiceError, ValidationError) as exc:
                    refused.append(f"{prospect.prospect_number}: {refusal_text(exc)}")
            if count := len(prospects) - len(refused):
                self.message_user(request, done(count), messages.SUCCESS)
            if refused:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d prospect was refused: %(reasons)s",
                        "%(count)d prospects were refused: %(reasons)s",
                        len(refused),
                    )
                    % {"count": len(refused), "reasons": " ".join(refused)},
                    messages.WARNING,
                )
            return None
        selected = [(helpers.ACTION_CHECKBOX_NAME, prospect.pk) for prospect in prospects]
        return self.action_form_response(
            request,
            form=form,
            title=title,
            submit_label=submit_label,
            back_url=self.page_url("changelist"),
            context={
                "intro": intro,
                "prospects": prospects,
                "hidden_fields": [*selected, ("action", action), ("apply", "yes")],
            },
            template=BULK_TEMPLATE,
        )

    @admin.action(description=_("Approve the selected prospects…"))
    def approve_selected(self, request, queryset):
        actor = actor_name(request.user)
        return self._decide_selected(
            request,
            queryset,
            action="approve_selected",
            form_class=ProspectApproveForm,
            decide=lambda prospect, form: services.prospect_approve(
                prospect_number=prospect.prospect_number, actor=actor
            ),
            title=gettext("Approve the selected prospects"),
            intro=gettext(
                "Approving creates, for each new prospect below, the organization and person "
                "customers and the customer hierarchy, and emails its requester an invitation to "
                "the B2B site. A prospect that is no longer new is left as it is."
            ),
            submit_label=gettext("Approve prospects"),
            done=lambda count: (
                ngettext(
                    "%(count)d prospect is approved; its customers, hierarchy and invitation email "
                    "are created.",
                    "%(count)d prospects are approved; their customers, hierarchies and invitation "
                    "emails are created.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject the selected prospects…"))
    def reject_selected(self, request, queryset):
        actor = actor_name(request.user)
        return self._decide_selected(
            request,
            queryset,
            action="reject_selected",
            form_class=ProspectRejectForm,
            decide=lambda prospect, form: services.prospect_reject(
                prospect_number=prospect.prospect_number,
                reason=form.cleaned_data["reason"],
                actor=actor,
            ),
            title=gettext("Reject the selected prospects"),
            intro=gettext(
                "Rejecting closes the request of each new prospect below with this one reason "
                "and emails its requester the “B2B prospect rejected” email. No customer is "
                "created. A prospect that is no longer new is left as it is."
            ),
            submit_label=gettext("Reject prospects"),
            done=lambda count: (
                ngettext(
                    "%(count)d prospect is rejected; its decline email is queued.",
                    "%(count)d prospects are rejected; their decline emails are queued.",
                    count,
                )
                % {"count": count}
            ),
        )
