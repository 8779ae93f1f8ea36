"""Who may use the builder API: staff, or users allowed to change flows."""

from rest_framework.permissions import BasePermission


class IsEditor(BasePermission):
    message = "Editors only: log in as staff, or as a user allowed to change flows."

    def has_permission(self, request, view) -> bool:
        return is_editor(request.user)


def is_editor(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_staff or user.has_perm("flows.change_flow"))
    )
