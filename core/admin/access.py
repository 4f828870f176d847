"""Who may open a console page: membership of a group (SPEC §10), never Django's model
permissions or staff flag."""

from core.access import user_in_groups


class GroupAccess:
    """Grants every page of a model admin (or inline) to the members of `access_groups`."""

    access_groups: tuple[str, ...] = ()

    def has_group_permission(self, request) -> bool:
        return user_in_groups(request.user, *self.access_groups)

    def has_module_permission(self, request) -> bool:
        return self.has_group_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_group_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_group_permission(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.has_group_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_group_permission(request)


class ReadOnlyAccess(GroupAccess):
    """Viewing only: the records change through services (the console's buttons), never by
    editing them in a form."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SuperuserOnly(GroupAccess):
    """Accounts and groups are managed by superusers alone."""

    def has_group_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser
