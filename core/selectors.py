"""Reads of what core keeps itself: the staff profile."""

from .models import StaffProfile

DB = "default"


def staff_language(*, user_id: int) -> str | None:
    """The console language the user chose, or None while they have not chosen one."""
    return (
        StaffProfile.objects.using(DB)
        .filter(user_id=user_id)
        .values_list("language", flat=True)
        .first()
    )
