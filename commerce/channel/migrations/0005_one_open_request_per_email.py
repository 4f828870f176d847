"""One open onboarding request per person, enforced by the database (SPEC §11).

Before the constraint is added, every stored email is put into its one form (core.identity),
so the constraint compares like with like. Requests sent twice at once before this migration
(the race the constraint closes) left several open requests for one person: the oldest stays
open and goes on to HQ; each later one is kept, unchanged but for its status, as
"duplicate", with a transition-log line naming the request it duplicates. Nothing is deleted,
and a duplicate is never uploaded, so HQ gets one prospect per person.

An address that the stricter rules now refuse (say `a@localhost`) is kept as it was, only
trimmed and lower-cased: a stored request is never lost over its email.
"""

import django_fsm
from django.core.exceptions import ValidationError
from django.db import migrations, models, router

import core.fields
from core.identity import email_normalize

ACTOR = "migration channel.0005"


def _one_form(email: str) -> str:
    try:
        return email_normalize(email)
    except ValidationError:
        return email.strip().lower()


def normalize_and_mark_duplicates(apps, schema_editor):
    OnboardingRequest = apps.get_model("channel", "OnboardingRequest")
    TransitionLog = apps.get_model("channel", "TransitionLog")
    alias = schema_editor.connection.alias
    if not router.allow_migrate_model(alias, OnboardingRequest):
        return
    requests = OnboardingRequest.objects.using(alias)
    rows = list(
        requests.order_by("created_at", "id").values_list("pk", "request_id", "email", "status")
    )
    # Duplicates are closed first, so no two open rows ever hold the same email in between.
    first_open: dict[str, str] = {}
    for pk, request_id, email, status in rows:
        if status != "received":
            continue
        first = first_open.setdefault(_one_form(email), str(request_id))
        if first != str(request_id):
            requests.filter(pk=pk).update(status="duplicate")
            TransitionLog.objects.using(alias).create(
                model="channel.onboardingrequest",
                object_key=str(request_id),
                transition="mark_duplicate",
                source_state="received",
                target_state="duplicate",
                actor=ACTOR,
                reason=f"Duplicate of the open request {first} for the same email.",
            )
    for pk, _request_id, email, _status in rows:
        if (one_form := _one_form(email)) != email:
            requests.filter(pk=pk).update(email=one_form)


class Migration(migrations.Migration):
    dependencies = [
        ("channel", "0004_email_case_insensitive_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="channelcustomer",
            name="email",
            field=core.fields.EmailAddressField(
                blank=True, db_index=True, max_length=254, verbose_name="email"
            ),
        ),
        migrations.AlterField(
            model_name="onboardingrequest",
            name="email",
            field=core.fields.EmailAddressField(max_length=254, verbose_name="email"),
        ),
        migrations.AlterField(
            model_name="onboardingrequest",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("received", "Received"),
                    ("uploaded", "Uploaded to HQ"),
                    ("duplicate", "Duplicate of an open request"),
                ],
                default="received",
                max_length=50,
                protected=True,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="onboardingrequest",
            name="website",
            field=core.fields.WebsiteField(blank=True, verbose_name="website"),
        ),
        migrations.AlterField(
            model_name="partneruserrequest",
            name="email",
            field=core.fields.EmailAddressField(blank=True, max_length=150, verbose_name="email"),
        ),
        migrations.RunPython(normalize_and_mark_duplicates, migrations.RunPython.noop),
        # Open requests are now found by exact email (stored in one form), which the
        # constraint's partial unique index serves; the case-insensitive index is no longer used.
        migrations.RemoveIndex(
            model_name="onboardingrequest",
            name="channel_request_email_ci",
        ),
        migrations.AddConstraint(
            model_name="onboardingrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "received")),
                fields=("email",),
                name="channel_request_one_open_per_email",
            ),
        ),
    ]
