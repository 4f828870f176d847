"""The Celery worker of the Procfile: `python -m config.worker -l info --concurrency 2`.

The same command as `celery -A config worker …`, without the rest of celery's command line:
`celery` imports every subcommand, its `amqp` shell with click-repl and prompt-toolkit among
them, 14 MB that each worker process (a prefork pool's parent and children) would hold.
"""

import os
import sys

from celery.bin.base import CLIContext
from celery.bin.worker import worker

from config.celery import app


def main(args: list[str] | None = None) -> None:
    # No colours where NO_COLOR is set, as `celery` has it (its --no-color).
    no_color = bool(os.environ.get("NO_COLOR"))
    context = CLIContext(app=app, no_color=no_color, workdir=None, quiet=False)
    worker.main(args=sys.argv[1:] if args is None else args, prog_name="worker", obj=context)


if __name__ == "__main__":
    main()
