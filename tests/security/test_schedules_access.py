"""Schedules (celery-beat) in HQ are for integration administrators and superusers only (SPEC §11).

Back office does not see the schedule pages at all (not on the HQ index, 403 on their URLs) and
cannot run, disable or edit a job's schedule; a sales rep never reaches them.
"""

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core.access import COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS, SALES_REPRESENTATIVES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

TASKS_URL = "/hq/django_celery_beat/periodictask/"
INTERVALS_URL = "/hq/django_celery_beat/intervalschedule/"
CRONTABS_URL = "/hq/django_celery_beat/crontabschedule/"


def _url(name: str, *args) -> str:
    return reverse(f"hq:{name}", args=args)


@pytest.fixture
def task() -> PeriodicTask:
    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    return PeriodicTask.objects.create(
        name="Łódź safety net", task="dualwrite.initial_sync", interval=every
    )


def _login(client, **fields):
    client.force_login(UserFactory(**fields))
    return client


@pytest.fixture
def back_office(client):
    return _login(client, username="ewa.backoffice", is_staff=False, groups=[COMMERCE_BACK_OFFICE])


@pytest.fixture
def integrator(client):
    return _login(
        client, username="ivo.integrator", is_staff=False, groups=[INTEGRATION_ADMINISTRATORS]
    )


@pytest.fixture
def superuser(client):
    return _login(client, username="root", is_superuser=True)


# --- back office --------------------------------------------------------------------------------


def test_back_office_gets_403_on_every_schedule_page(back_office, task):
    crontab = CrontabSchedule.objects.create(minute="0", hour="3")
    urls = [
        TASKS_URL,
        _url("django_celery_beat_periodictask_add"),
        _url("django_celery_beat_periodictask_change", task.pk),
        _url("django_celery_beat_periodictask_delete", task.pk),
        INTERVALS_URL,
        _url("django_celery_beat_intervalschedule_add"),
        _url("django_celery_beat_intervalschedule_change", task.interval_id),
        CRONTABS_URL,
        _url("django_celery_beat_crontabschedule_add"),
        _url("django_celery_beat_crontabschedule_change", crontab.pk),
        "/hq/django_celery_beat/",
    ]

    answers = {url: back_office.get(url).status_code for url in urls}

    # The app index of an app with no visible model is a 404 in Django's admin.
    assert answers.pop("/hq/django_celery_beat/") in (403, 404)
    assert set(answers.values()) == {403}, answers


def test_the_hq_index_does_not_list_schedules_for_back_office(back_office):
    index = back_office.get("/hq/").content.decode()

    assert "All prospects" in index  # the index itself opens
    assert "Periodic tasks" not in index
    assert "Intervals" not in index and "Crontabs" not in index
    assert "/hq/django_celery_beat/" not in index


def test_back_office_cannot_disable_run_or_edit_a_schedule(back_office, task):
    disabled = back_office.post(
        TASKS_URL, {"action": "disable_tasks", "_selected_action": [task.pk]}
    )
    ran = back_office.post(TASKS_URL, {"action": "run_tasks", "_selected_action": [task.pk]})
    edited = back_office.post(
        _url("django_celery_beat_intervalschedule_change", task.interval_id),
        {"every": 86400, "period": IntervalSchedule.SECONDS},
    )
    added = back_office.post(
        _url("django_celery_beat_periodictask_add"),
        {"name": "mine", "task": "dualwrite.initial_sync", "interval": task.interval_id},
    )
    deleted = back_office.post(
        _url("django_celery_beat_periodictask_delete", task.pk), {"post": "yes"}
    )

    assert [r.status_code for r in (disabled, ran, edited, added, deleted)] == [403] * 5
    task.refresh_from_db()
    assert task.enabled and task.interval.every == 60
    assert not PeriodicTask.objects.filter(name="mine").exists()


# --- sales reps and anonymous visitors ----------------------------------------------------------


@pytest.mark.parametrize("groups", [[SALES_REPRESENTATIVES], []])
def test_a_rep_is_sent_to_the_hq_login(client, task, groups):
    _login(client, groups=groups)

    for url in (TASKS_URL, _url("django_celery_beat_periodictask_change", task.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/hq/login/")


def test_an_anonymous_visitor_is_sent_to_the_hq_login(client, task):
    response = client.get(_url("django_celery_beat_periodictask_change", task.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/hq/login/")


# --- integration administrators and superusers --------------------------------------------------


@pytest.mark.parametrize("who", ["integrator", "superuser"])
def test_integrator_and_superuser_see_and_change_schedules(request, task, who):
    client = request.getfixturevalue(who)

    index = client.get("/hq/").content.decode()
    listing = client.get(TASKS_URL)
    page = client.get(_url("django_celery_beat_periodictask_change", task.pk))
    disabled = client.post(TASKS_URL, {"action": "disable_tasks", "_selected_action": [task.pk]})
    edited = client.post(
        _url("django_celery_beat_intervalschedule_change", task.interval_id),
        {
            "every": 300,
            "period": IntervalSchedule.SECONDS,
            "periodictask_set-TOTAL_FORMS": 1,
            "periodictask_set-INITIAL_FORMS": 1,
            "periodictask_set-0-id": task.pk,
            "periodictask_set-0-interval": task.interval_id,
        },
    )

    assert "Periodic tasks" in index and TASKS_URL in index
    assert listing.status_code == 200 and "Łódź safety net" in listing.content.decode()
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    assert client.get(_url("django_celery_beat_periodictask_add")).status_code == 200
    assert disabled.status_code == 302 and edited.status_code == 302
    task.refresh_from_db()
    assert not task.enabled
    assert task.interval.every == 300


@pytest.mark.parametrize("language", ["pl", "cs"])
def test_the_hq_index_does_not_list_schedules_for_back_office_in_any_language(
    back_office, language
):
    index = back_office.get("/hq/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert 'id="glance-back-office"' in index  # the index itself opens, with its figures
    assert "django_celery_beat" not in index
    assert "/hq/django_celery_beat/" not in index


def test_back_office_cannot_reach_a_schedule_through_history_or_autocomplete(back_office, task):
    history = back_office.get(_url("django_celery_beat_periodictask_history", task.pk))
    search = back_office.get(
        "/hq/autocomplete/",
        {
            "app_label": "django_celery_beat",
            "model_name": "periodictask",
            "field_name": "interval",
            "term": "60",
        },
    )

    assert history.status_code == 403
    assert search.status_code in (403, 404)  # 404: no field searches schedules
    assert "Łódź safety net" not in search.content.decode()
