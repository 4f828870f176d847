from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations to every database alias (default, channel, commerce, sales)."

    def handle(self, *args, **options) -> None:
        for alias in settings.DATABASES:
            self.stdout.write(self.style.MIGRATE_HEADING(f"Database '{alias}'"))
            call_command(
                "migrate", database=alias, interactive=False, verbosity=options["verbosity"]
            )
