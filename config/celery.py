import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Celery runs Django's system checks when a worker starts, which imports the URLconf, the API
# schema generator and the migration autodetector into every process: about 18 MB each, for
# checks that `migrate` and the web process run anyway.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("partner_onboarding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
