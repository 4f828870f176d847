"""The groups of SPEC §10 and checks on them."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

SALES_REPRESENTATIVES = "Sales representatives"
COMMERCE_BACK_OFFICE = "Commerce back office"
INTEGRATION_ADMINISTRATORS = "Integration administrators"
GROUPS = (SALES_REPRESENTATIVES, COMMERCE_BACK_OFFICE, INTEGRATION_ADMINISTRATORS)


def user_in_groups(user: AbstractBaseUser | AnonymousUser, *groups: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # The stubs type request.user as AbstractBaseUser, which lacks the PermissionsMixin fields.
    if user.is_superuser:  # type: ignore[attr-defined]
        return True
    names = getattr(user, "_group_names_cache", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._group_names_cache = names  # type: ignore[attr-defined]
    return bool(names.intersection(groups))


def actor_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """Who did it, as logged on transitions and audit rows (users live in `default`)."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return user.get_username()
