from django.core.management.base import BaseCommand, CommandError

from commerce.jobs import job_execute, job_lookup
from core.errors import NotFound


class Command(BaseCommand):
    help = (
        "Run one job now, synchronously, and print its run record. "
        "The job is named by code, slug or name: P-0001, sync-channel-requests, "
        '"Synchronize orders and channel requests".'
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("job", help="job code, slug or name")

    def handle(self, *args, **options) -> None:
        try:
            job = job_lookup(options["job"])
        except NotFound as exc:
            raise CommandError(str(exc.message)) from exc
        try:
            run = job_execute(code=job.code, trigger="hand")
        except Exception as exc:  # the failed run is recorded by job_execute
            raise CommandError(f"{job.name} failed: {type(exc).__name__}: {exc}") from exc
        style = self.style.WARNING if run.errors else self.style.SUCCESS
        self.stdout.write(
            style(
                f"{job.name}: run {run.pk} {run.outcome}, {run.rows} rows, {run.errors} errors, "
                f"{run.duration_seconds:.2f} s"
            )
        )
