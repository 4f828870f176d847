import ctypes
import ctypes.util
import gc
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Celery runs Django's system checks when a worker starts, which imports the URLconf, the API
# schema generator and the migration autodetector into every process: about 18 MB each, for
# checks that `migrate` and the web process run anyway.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("partner_onboarding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def heap_trim() -> bool:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim); False elsewhere."""
    path = ctypes.util.find_library("c")
    libc = ctypes.CDLL(path) if path else None
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    gc.collect()
    libc.malloc_trim(0)
    return True


@signals.worker_init.connect
def _worker_heap_settle(**kwargs) -> None:
    # Sent once Django is set up and the tasks are imported, before the prefork pool forks its
    # processes. Starting up frees about 12 MB (the imports' temporaries) that glibc keeps in
    # the heap; each child would start with those pages as its own resident memory.
    heap_trim()
    # What is left lives as long as the process: frozen, the collector no longer walks it.
    # Each full collection walked every imported module's objects; in the pipeline benchmark
    # that was 0.6 s of a worker process's 6 s, and 0.25 s frozen. The children also keep
    # those pages shared, as the collector no longer writes to them.
    gc.freeze()
