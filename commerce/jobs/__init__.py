"""The jobs of SPEC §6: batch, idempotent, every run recorded as a JobRun.

P-0001 (upload.py) moves channel requests into HQ's staging table; "Synchronize orders and
channel requests" (synchronize.py) turns staged requests into prospects and hierarchy member
changes; "1010 Customers" (download.py) copies customers, hierarchies and partner users back to
the channel. Each runs as the Celery task commerce.job_run, kicked on the commit that gave it
work and scheduled by celery-beat as a safety net.
"""

from .registry import (
    DOWNLOAD,
    JOB_TASK,
    JOBS,
    PRODUCTS,
    SYNCHRONIZE,
    UPLOAD,
    Job,
    job_kick_on_commit,
    job_label,
    job_lookup,
    job_start,
)
from .runner import job_execute, job_runs_interrupted_close

__all__ = [
    "DOWNLOAD",
    "JOBS",
    "JOB_TASK",
    "PRODUCTS",
    "SYNCHRONIZE",
    "UPLOAD",
    "Job",
    "job_execute",
    "job_kick_on_commit",
    "job_label",
    "job_lookup",
    "job_runs_interrupted_close",
    "job_start",
]
