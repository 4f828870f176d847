"""The jobs of SPEC §6, each known by its code, and how to start one.

This module does not import the jobs' own modules (they use the services): services kick
jobs through it, so it must not depend on them.
"""

from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop

from core.errors import NotFound
from core.kicks import task_kick_on_commit, task_named, task_send

# The Celery task that runs a job: it takes the job's code and the trigger.
JOB_TASK = "commerce.job_run"


@dataclass(frozen=True)
class Job:
    """A job's code is its identity: runs record it, its task and beat schedule take it.

    Its name and slug follow from the code, so they cannot disagree with it.
    """

    code: str
    # Dotted path of `run(run: JobRun, batch_size: int) -> (rows, row errors)`.
    run_path: str
    title: str = ""  # what a job with a numbered code does; its name is code and title
    url_slug: str = ""  # only for a code too long for a URL

    @property
    def name(self) -> str:
        return f"{self.code} {self.title}" if self.title else self.code

    @property
    def label(self) -> str:
        """The name in the reader's language: the code stays, the words translate."""
        if self.title:
            return f"{self.code} {gettext(self.title)}"
        return gettext(self.code)

    @property
    def slug(self) -> str:
        return self.url_slug or slugify(self.code)


UPLOAD = Job(
    "P-0001",
    "commerce.jobs.upload.channel_requests_upload",
    gettext_noop("Upload channel requests"),
)
SYNCHRONIZE = Job(
    gettext_noop("Synchronize orders and channel requests"),
    "commerce.jobs.synchronize.channel_requests_synchronize",
    url_slug="sync-channel-requests",
)
DOWNLOAD = Job("1010", "commerce.jobs.download.customers_download", gettext_noop("Customers"))
PRODUCTS = Job("1040", "commerce.jobs.products.products_download", gettext_noop("Products"))

JOBS: dict[str, Job] = {job.code: job for job in (UPLOAD, SYNCHRONIZE, DOWNLOAD, PRODUCTS)}


def job_label(code: str) -> str:
    """A recorded run's job by its name in the reader's language (a code no longer known as is)."""
    job = JOBS.get(code)
    return job.label if job else code


def job_lookup(name: str) -> Job:
    """Find a job by code, slug or name, case-insensitively (URLs and the command line)."""
    wanted = name.strip().lower()
    for job in JOBS.values():
        if wanted in (job.code.lower(), job.slug, job.name.lower()):
            return job
    raise NotFound(f"Unknown job '{name}'. Known jobs: {', '.join(JOBS)}.", code="unknown_job")


def job_kick_on_commit(*, code: str, using: str) -> None:
    """Run a job soon after the caller's transaction commits (SPEC §6: seconds, not minutes)."""
    job = JOBS[code]  # by code only: the task and the run record take the code
    task_kick_on_commit(task_named(JOB_TASK), job.code, "commit", using=using)


def job_start(*, slug: str, trigger: str) -> Job:
    """Run now: hand the job to the workers at once; Unavailable when the queue is down.

    The run is recorded when a worker starts it, with `trigger` (hand in HQ, api in the API).
    """
    job = job_lookup(slug)
    task_send(task_named(JOB_TASK), job.code, trigger)
    return job
