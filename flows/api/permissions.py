"""Who may use the builder API: each view names the permission each of its actions needs (roles: flows/roles.py)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from flows.roles import needs_message


def required_permission(request: Any, view: Any) -> str | None:
    """The permission the request needs: `view.required_permissions` keyed by the viewset action, else the method."""
    rules: dict[str, str] = getattr(view, "required_permissions", {})
    method = request.method.lower()
    action = getattr(view, "action", None)
    if method == "options":  # DRF's metadata: describes the view, changes nothing
        return rules.get("list") or rules.get("retrieve") or rules.get("get")
    if action is not None:
        return rules.get(action)
    return rules.get("get" if method == "head" else method)


class HasRolePermission(BasePermission):
    """The project's default: the permission the view names for this action; a view naming none is closed to all."""

    message = "You may not do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        needed = required_permission(request, view)
        if needed is None:
            return False  # a new endpoint without a rule is refused, and the role tests say so
        if user.has_perm(needed):
            return True
        self.message = needs_message(needed)
        return False


def can_use_builder(user: Any) -> bool:
    """May open the builder's pages and watch traces: at least the Viewer role."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("flows.view_flow"))
