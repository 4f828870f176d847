"""What every Commerce HQ action shares: the database, numbers and the channel copy."""

from commerce.jobs.registry import DOWNLOAD, job_kick_on_commit
from commerce.models import NumberSequence
from core.sequences import number_sequence_take as sequence_take

DB = "commerce"


def channel_copy_on_commit() -> None:
    """Job 1010 carries a member, hierarchy or credit change to the B2B site soon after the
    commit."""
    job_kick_on_commit(code=DOWNLOAD.code, using=DB)


def number_sequence_take(*, code: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers of this system's sequence `code`."""
    return sequence_take(model=NumberSequence, using=DB, code=code, count=count)
