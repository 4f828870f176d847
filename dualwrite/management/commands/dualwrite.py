"""python manage.py dualwrite status|enable|pause|resume|initial-sync|errors|retry|skip|conflicts"""

import contextlib
from collections.abc import Callable, Iterator

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ServiceError
from dualwrite import selectors, services

ACTOR = "manage.py dualwrite"


class Command(BaseCommand):
    help = "Run and repair dual-write: map states, initial sync, error log."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("status", help="Each map's state, backlog, lag and last error.")
        enable = commands.add_parser(
            "enable", help="Enable the Commerce solution: register, initial-sync and start maps."
        )
        enable.add_argument("maps", nargs="*", help="only these maps (default: all)")
        for name, text in (("pause", "Pause a map."), ("resume", "Resume a paused map.")):
            commands.add_parser(name, help=text).add_argument("map")
        sync = commands.add_parser("initial-sync", help="Copy existing records for a map.")
        sync.add_argument("map")
        sync.add_argument("--batch-size", type=int, default=services.INITIAL_SYNC_BATCH_SIZE)
        errors = commands.add_parser("errors", help="List open delivery errors.")
        errors.add_argument("--map", default=None)
        retry = commands.add_parser("retry", help="Retry one error by id, or all of them.")
        retry.add_argument("error", help="an error id, or 'all'")
        retry.add_argument("--map", default=None, help="with 'all': only this map")
        skip = commands.add_parser("skip", help="Skip one failing change, with a reason.")
        skip.add_argument("error", type=int)
        skip.add_argument("--reason", required=True)
        conflicts = commands.add_parser(
            "conflicts", help="List field conflicts: record, field, both values, rule, winner."
        )
        conflicts.add_argument("--record", default=None, help="only this record key")
        conflicts.add_argument("--limit", type=int, default=50)

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc

    @contextlib.contextmanager
    def _progress(self, code: str) -> Iterator[Callable[[int, int], None]]:
        """A progress bar for one map's sync, closed when the sync returns."""
        bars: list[tqdm] = []

        def update(done: int, total: int) -> None:
            if not bars:
                bars.append(tqdm(desc=code, total=total, unit="rows", file=self.stdout))
            # Each step re-estimates the total (an earlier step may have added records).
            bars[0].total = total
            bars[0].update(done - bars[0].n)

        try:
            yield update
        finally:
            if bars:
                bars[0].close()

    def _status(self, **options) -> None:
        on = selectors.sales_integration_on()
        self.stdout.write(f"Sales integration: {'on' if on else 'off'}")
        rows = selectors.map_status_list()
        self.stdout.write(
            f"{'map':36} {'state':13} {'backlog':>8} {'delivered':>10} {'lag s':>8}  last error"
        )
        for row in rows:
            lag = "" if row.lag_seconds is None else f"{row.lag_seconds:.0f}"
            self.stdout.write(
                f"{row.code:36} {row.state:13} {row.backlog:>8} {row.delivered:>10} {lag:>8}"
                f"  {row.last_error[:60]}"
            )
        if not on:
            self.stdout.write(
                f"Every map is {selectors.OFF_LABEL}: changes wait in the outboxes and are "
                "delivered once SALES_INTEGRATION_ENABLED is true again."
            )

    def _enable(self, maps: list[str], **options) -> None:
        if not selectors.sales_integration_on():
            # `make run` enables on every start: with the integration off that is no error.
            services.map_states_register()
            self.stdout.write(
                "Sales integration: off. The maps stay off and nothing is synced; run "
                "`manage.py dualwrite enable` again once SALES_INTEGRATION_ENABLED is true."
            )
            return
        for code in maps or services.MAPS:
            with self._progress(code) as progress:
                state = services.map_enable(code=code, actor=ACTOR, progress=progress)
            self.stdout.write(f"{code}: {state.get_state_display()}")

    def _pause(self, map: str, **options) -> None:
        services.map_pause(code=map, actor=ACTOR)
        self.stdout.write(f"{map}: paused")

    def _resume(self, map: str, **options) -> None:
        services.map_resume(code=map, actor=ACTOR)
        self.stdout.write(f"{map}: running")

    def _initial_sync(self, map: str, batch_size: int, **options) -> None:
        with self._progress(map) as progress:
            state = services.initial_sync_run(
                code=map, actor=ACTOR, batch_size=batch_size, progress=progress
            )
        self.stdout.write(f"{map}: {state.initial_sync_done} records read; running")

    def _errors(self, map: str | None, **options) -> None:
        for error in selectors.delivery_error_list(map_code=map):
            self.stdout.write(
                f"#{error.pk} {error.map} {error.record_key} attempts={error.attempts} "
                f"next={error.next_retry_at:%Y-%m-%d %H:%M:%S} {error.error[:80]}"
                if error.next_retry_at
                else f"#{error.pk} {error.map} {error.record_key} attempts={error.attempts} "
                f"parked {error.error[:80]}"
            )

    def _retry(self, error: str, map: str | None, **options) -> None:
        if error == "all":
            count = services.delivery_errors_retry_all(actor=ACTOR, map_code=map)
            self.stdout.write(f"{count} errors queued for retry")
            return
        if not error.isdigit():
            raise CommandError("Give an error id or 'all'.")
        services.delivery_error_retry(error_id=int(error), actor=ACTOR)
        self.stdout.write(f"error #{error} queued for retry")

    def _skip(self, error: int, reason: str, **options) -> None:
        services.delivery_error_skip(error_id=error, reason=reason, actor=ACTOR)
        self.stdout.write(f"error #{error} skipped")

    def _conflicts(self, record: str | None, limit: int, **options) -> None:
        rows = selectors.conflict_list(record_key=record)[: max(limit, 0)]
        for conflict in rows:
            self.stdout.write(
                f"{conflict.created_at:%Y-%m-%d %H:%M:%S} {conflict.map} {conflict.record_key}"
                f".{conflict.field}: {conflict.incoming_side}={conflict.incoming_value!r} vs "
                f"local={conflict.local_value!r}; rule {conflict.rule}, {conflict.winner} won "
                f"→ {conflict.resolved_value!r}"
            )
        if not rows:
            self.stdout.write("No conflicts.")
