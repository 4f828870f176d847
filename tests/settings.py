"""The product's settings, with a secret key for the test suite (the product has none by default).

It goes into the environment, not only into these settings, so that the processes the tests
start (Celery workers, management commands) inherit it.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-never-used-outside-the-tests")

from config.settings import *  # noqa: F403
