"""Running and repairing dual-write (SPEC §7): one module a subject, every service from here.

`states`: the maps' registry, pause and resume; `initial_sync`: copying what exists when a map
is enabled; `deliveries`: counters, the error log, the alert rule, retry and skip.
"""

from ..maps import MAPS
from .deliveries import (
    deliveries_count,
    delivery_error_retry,
    delivery_error_skip,
    delivery_errors_retry_all,
    delivery_failed,
    delivery_recovered,
)
from .initial_sync import (
    INITIAL_SYNC_BATCH_SIZE,
    initial_sync_request,
    initial_sync_run,
    map_enable,
    solution_enable,
    solution_enable_queue,
    solution_enable_request,
)
from .states import map_pause, map_resume, map_states_register, running_map_codes

__all__ = [
    "INITIAL_SYNC_BATCH_SIZE",
    "MAPS",
    "deliveries_count",
    "delivery_error_retry",
    "delivery_error_skip",
    "delivery_errors_retry_all",
    "delivery_failed",
    "delivery_recovered",
    "initial_sync_request",
    "initial_sync_run",
    "map_enable",
    "map_pause",
    "map_resume",
    "map_states_register",
    "running_map_codes",
    "solution_enable",
    "solution_enable_queue",
    "solution_enable_request",
]
