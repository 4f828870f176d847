"""Celery: Redis when CELERY_BROKER_URL is set, else kombu's filesystem transport (no server)."""

from .env import VAR_DIR, env

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport, with a worker that keeps consuming after Redis was lost mid-task.
    CELERY_BROKER_TRANSPORT = "core.broker:Transport"
elif CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    # kombu's filesystem transport expects its folders to exist.
    (_queue_dir / "out").mkdir(parents=True, exist_ok=True)
    (_queue_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_queue_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task running when the broker goes away finishes: the mailer cut off between the SMTP server's
# "accepted" and its own "sent" mark would send that email again.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# Seconds between the scheduled (safety-net) runs of each job; jobs are also kicked on commit.
JOB_SCHEDULE_SECONDS = env.int("JOB_SCHEDULE_SECONDS", default=60)
JOB_BATCH_SIZE = env.int("JOB_BATCH_SIZE", default=500)
# A running job run silent (no batch started) for this long lost its process: the next run of
# the job marks it interrupted. Far longer than any one batch takes.
JOB_RUN_STALE_SECONDS = env.int("JOB_RUN_STALE_SECONDS", default=600)
# How long a kicked task counts as waiting in the queue, so that further kicks are not sent
# (0: send every kick). It is cleared when the task starts; expiry covers a lost message.
KICK_QUEUED_SECONDS = env.int("KICK_QUEUED_SECONDS", default=60)
