"""The project's Celery app as the integration worker runs it: on a queue of its own.

Test runs may share one Redis; a queue per worker keeps each run's tasks with its own worker.
"""

import os

from config.celery import app

app.conf.task_default_queue = os.environ["INTEGRATION_TASK_QUEUE"]
