"""HQ accounts, groups and celery-beat schedules (commerce/admin/accounts.py)."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.access import INTEGRATION_ADMINISTRATORS
from tests.factories import UserFactory

from .support import hq_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_accounts_and_groups_are_for_superusers_only(client, back_office):
    assert back_office.get("/hq/auth/user/").status_code == 403
    assert "/hq/auth/user/" not in back_office.get("/hq/").content.decode()

    client.force_login(UserFactory(username="root", is_superuser=True))
    assert "root" in client.get("/hq/auth/user/").content.decode()


def test_integration_admin_can_edit_the_job_schedule(client):
    # Schedules are integration administrators' (SPEC §11); back office: tests/security/.
    client.force_login(UserFactory(is_staff=False, groups=[INTEGRATION_ADMINISTRATORS]))
    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(
        name="Nightly Łódź export", task="commerce.job_run", interval=every
    )

    page = client.get(hq_url("django_celery_beat_periodictask_change", task.pk))
    client.post(
        hq_url("django_celery_beat_intervalschedule_change", every.pk),
        {
            "every": 300,
            "period": IntervalSchedule.SECONDS,
            "periodictask_set-TOTAL_FORMS": 1,
            "periodictask_set-INITIAL_FORMS": 1,
            "periodictask_set-0-id": task.pk,
            "periodictask_set-0-interval": every.pk,
        },
    )

    assert "Nightly Łódź export" in page.content.decode()
    assert 'name="_save"' in page.content.decode()
    assert IntervalSchedule.objects.get(pk=every.pk).every == 300
    assert PeriodicTask.objects.get(pk=task.pk).interval_id == every.pk
