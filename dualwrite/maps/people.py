"""Who decided: messages carry a person's name, not a login (SPEC §7)."""

from django.contrib.auth import get_user_model


def person_name(username: str) -> str:
    """The user's full name, or the login when the user has none (or is not a user)."""
    if not username:
        return ""
    user = get_user_model().objects.using("default").filter(username=username).first()
    return (user.get_full_name() if user else "") or username


def via_dualwrite(name: str, system: str) -> str:
    """How a decision made in the other system is signed here."""
    return f"{name or 'unknown'} ({system}) via dual-write"
