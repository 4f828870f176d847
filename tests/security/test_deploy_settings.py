"""Production settings (SPEC §11): debug off unless asked for, no default secret key, HTTPS
switches, and `check --deploy` clean with the production environment README documents.

Each test starts a fresh process, as a server would, with only the environment it gives.
"""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

ENV_FILE = settings.BASE_DIR / "deploy" / "production.env.example"
README = settings.BASE_DIR / "README.md"


def _documented_environment() -> dict[str, str]:
    """deploy/production.env.example, with a fresh secret key where it leaves one to fill in."""
    variables = {}
    for line in ENV_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name] = value
    assert variables["DJANGO_SECRET_KEY"] == ""  # no key is published
    variables["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return variables


def _run(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    """The project's code in a new process with `environment` over the machine's own variables.

    The test run's settings module and secret key are left out, and so is every variable the
    production file names, and a local .env file is not read: the process sees only what a
    server would be given.
    """
    left_out = {"DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_DEBUG"}
    left_out |= set(_documented_environment())
    base = {name: value for name, value in os.environ.items() if name not in left_out}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_ENV_FILE": os.devnull, **environment},
        capture_output=True,
        text=True,
        timeout=300,
    )


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXY_COUNT", "SECRET_KEY",
]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""


def _settings(environment: dict[str, str]) -> dict:
    finished = _run(
        ["-c", PRINT_SETTINGS], {"DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.splitlines()[-1])


def test_check_deploy_is_clean_with_the_documented_production_environment():
    finished = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _documented_environment()
    )

    assert finished.returncode == 0, finished.stderr
    assert "System check identified no issues" in finished.stdout


def test_readme_documents_exactly_the_checked_environment():
    assert ENV_FILE.read_text() in README.read_text()


def test_the_documented_environment_turns_https_on_behind_one_proxy():
    environment = _documented_environment()
    values = _settings(environment)

    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == environment["DJANGO_SECRET_KEY"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["TRUSTED_PROXY_COUNT"] == 1


def test_debug_is_off_unless_asked_for():
    values = _settings({"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is False  # plain HTTP until the environment says so


def test_without_a_secret_key_the_server_refuses_to_start():
    # gunicorn loads config.wsgi; runserver and the workers load the same settings.
    for arguments in (["-c", "import config.wsgi"], ["manage.py", "check"]):
        finished = _run(arguments, {})

        assert finished.returncode != 0
        assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in finished.stderr


def test_with_debug_asked_for_a_development_key_is_used():
    values = _settings({"DJANGO_DEBUG": "true"})

    assert values["DEBUG"] is True
    # `check --deploy` flags keys with this prefix.
    assert values["SECRET_KEY"].startswith("django-insecure-")
