"""What a Celery worker process holds (issue 15): the web's modules stay out of it.

The worker's processes set Django up as the web's do, but render emails only: through the
"emails" template engine, which imports the tag libraries emails load, and in the site's
URLconf (settings.EMAIL_URLCONF). django-countries builds no collator when imported.
"""

import json
import os
import platform
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from config.celery import heap_trim

# A worker process as Celery sets it up (Django, then the tasks), rendering an email.
WORKER = """
import json, sys
import django
from config.celery import app
django.setup()
app.loader.import_default_modules()
from commerce.emails import EmailSpec, email_render
email = email_render(EmailSpec(
    type="onboarding_request_received", event_key="k", recipient="a@b.example", language="pl",
    context={"first_name": "Jan", "last_name": "Nowak", "company_name": "Firma",
             "request_id": "a1b2"},
))
import django_countries
print(json.dumps({
    "modules": sorted(sys.modules),
    "collator": hasattr(django_countries, "collator"),
    "body": email.body_text,
}))
"""

# Imported by the web alone: the full URLconf (consoles, API, schema), the API's serializers,
# every installed app's tag libraries (the admin's, DRF's, the site's with its services).
WEB_ONLY = [
    "config.urls",
    "consoles.urls",
    "rest_framework.serializers",
    "drf_spectacular.views",
    "commerce.serializers",
    "django.contrib.admin.templatetags.admin_list",
    "rest_framework.templatetags.rest_framework",
    "commerce.channel.templatetags.partner",
]


def _python(script: str) -> subprocess.CompletedProcess:
    """`script` in a new interpreter, with the tests' settings."""
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def worker_process() -> dict:
    result = _python(WORKER)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_a_worker_rendering_an_email_imports_none_of_the_web(worker_process):
    loaded = set(worker_process["modules"])
    assert [name for name in WEB_ONLY if name in loaded] == []
    # The email still links to the site, in the recipient's language.
    assert "/pl/partner/request-status/?reference=a1b2" in worker_process["body"]


def test_django_countries_builds_no_collator_of_its_own(worker_process):
    assert worker_process["collator"] is False


@pytest.mark.parametrize("language", ["en", "pl", "cs"])
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("channel:home", {}),
        ("channel:request-status", {}),
        ("channel:invitation", {"token": "t0k3n"}),
        ("channel:password-reset-confirm", {"uidb64": "MQ", "token": "c0-ffee"}),
    ],
)
def test_emails_link_to_the_addresses_the_site_answers_at(language, name, kwargs):
    with translation.override(language):
        in_emails = reverse(name, kwargs=kwargs, urlconf=settings.EMAIL_URLCONF)
        assert in_emails == reverse(name, kwargs=kwargs)


def test_the_heap_is_trimmed_where_glibc_runs():
    assert heap_trim() is (platform.libc_ver()[0] == "glibc")


def test_the_procfile_worker_is_celerys_worker_command_without_the_rest_of_its_cli():
    procfile = (settings.BASE_DIR / "Procfile").read_text()
    assert "worker: python -m config.worker -l info --concurrency 2" in procfile
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, runpy; sys.argv = ['worker', '--help']\n"
            "try:\n    runpy.run_module('config.worker', run_name='__main__')\n"
            "except SystemExit as end:\n"
            "    print(end.code, 'click_repl' in sys.modules, 'prompt_toolkit' in sys.modules)",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "--concurrency" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 False False", result.stderr


def test_a_worker_freezes_what_it_imported_before_its_pool_forks():
    # The collector's full passes then walk only what tasks create, not Django and the tasks.
    script = (
        "import gc, django\n"
        "from celery import signals\n"
        "from config.celery import app\n"
        "django.setup()\n"
        "app.loader.import_default_modules()\n"
        "before = gc.get_freeze_count()\n"
        "signals.worker_init.send(sender=None)\n"
        "print(before, gc.get_freeze_count(), len(gc.get_objects()))\n"
    )
    result = _python(script)
    before, frozen, walked = map(int, result.stdout.split())
    assert before == 0
    assert frozen > 50_000 and walked < frozen / 100, (frozen, walked)


def test_a_web_process_loads_what_its_first_requests_need_as_it_starts():
    # The first visitor of a new web process does not wait for the views and the alphabets.
    script = (
        "import json, sys\n"
        "import config.wsgi\n"
        "from core.collation import _collator\n"
        "print(json.dumps({'views': 'commerce.channel.views.sign_up' in sys.modules,\n"
        "    'api': 'commerce.channel.api' in sys.modules,\n"
        "    'alphabets': _collator.cache_info().currsize}))\n"
    )
    result = _python(script)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert loaded == {"views": True, "api": True, "alphabets": 3}
