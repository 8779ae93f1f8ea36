"""The builder's roles: Django groups of permissions; a user's roles decide what the API, pages and sockets allow.

Staff status only opens Django admin; it grants nothing by itself. Superusers hold every permission.
"""

from __future__ import annotations

from typing import Any

VIEWER = "Viewer"
EDITOR = "Editor"
PUBLISHER = "Publisher"
ADMIN = "Admin"
AGENT = "Agent"

_VIEWER = [
    "flows.view_flow",
    "flows.view_flowversion",
    "flows.view_conversation",
    "flows.view_message",
    "flows.view_run",
    "flows.view_step",
    "flows.view_hook",
    "flows.view_hookdelivery",
    "flows.view_flowasset",
    "flows.view_channel",
    "flows.view_team",
]
_EDITOR = [*_VIEWER, "flows.add_flow", "flows.change_flow", "flows.preview_flow"]
# Hooks and shared files act on published flows at once, so they are the publisher's, like publishing itself.
_PUBLISHER = [
    *_EDITOR,
    "flows.publish_flow",
    "flows.delete_flow",
    "flows.add_hook",
    "flows.change_hook",
    "flows.delete_hook",
    "flows.add_flowasset",
    "flows.change_flowasset",
    "flows.delete_flowasset",
    "flows.add_channel",
    "flows.delete_channel",
]
# "app.*": every permission of the app (credentials, their audit log, deliveries, templates, bookings).
_ADMIN = [*_PUBLISHER, "integrations.*", "auth.*", "authtoken.*", "flows.*"]

# Answering customers is a job of its own, beside building: an agent sees flows and conversations, and the inbox.
# Teams are kept by the Admin role (flows.*); everyone else who builds or answers reads them.
_AGENT = ["flows.view_flow", "flows.view_conversation", "flows.answer_conversation", "flows.view_team"]

# Each role holds everything of the roles before it (a publisher edits, an editor views); Agent stands apart.
ROLES: dict[str, list[str]] = {VIEWER: _VIEWER, EDITOR: _EDITOR, PUBLISHER: _PUBLISHER, ADMIN: _ADMIN, AGENT: _AGENT}

# Who may do what, for messages ("Publishing needs the Publisher role."): the first role holding the permission.
DOING = {
    "flows.view_flow": "Seeing flows",
    "flows.view_conversation": "Reading conversations",
    "flows.view_run": "Reading runs",
    "flows.view_hook": "Seeing hooks",
    "flows.add_flow": "Creating flows",
    "flows.change_flow": "Changing drafts",
    "flows.preview_flow": "Previewing drafts",
    "flows.publish_flow": "Publishing",
    "flows.delete_flow": "Deleting flows",
    "flows.add_hook": "Adding hooks",
    "flows.change_hook": "Changing hooks",
    "flows.delete_hook": "Deleting hooks",
    "flows.view_channel": "Seeing channels",
    "flows.add_channel": "Adding channels",
    "flows.delete_channel": "Removing channels",
    "flows.answer_conversation": "Answering handed-off conversations",
    "flows.view_team": "Seeing teams",
}


def role_for(permission: str) -> str:
    """The first role that holds the permission ("Admin" when none names it)."""
    for role, perms in ROLES.items():
        if permission in perms:
            return role
    return ADMIN


def needs_message(permission: str) -> str:
    """A sentence saying which role an action needs."""
    doing = DOING.get(permission, "This")
    return f"{doing} needs the {role_for(permission)} role."


def permissions_of(role: str, permission_model: Any) -> Any:
    """The Permission rows of a role (`permission_model`: the real model or a migration's historical one)."""
    from django.db.models import Q

    query = Q(pk__in=[])
    for name in ROLES[role]:
        app_label, codename = name.split(".", 1)
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return permission_model.objects.filter(query)


def ensure_groups() -> None:
    """Create the role groups (or give them back their permissions): the migration does it, and so may tests."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*permissions_of(role, Permission))


def summary(user: Any) -> dict[str, Any]:
    """What the builder needs to know about the user: roles and the permissions it checks."""
    checked = sorted({p for perms in ROLES.values() for p in perms if not p.endswith(".*")})
    return {
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "roles": [role for role in ROLES if user.is_superuser or user.groups.filter(name=role).exists()],
        "is_superuser": user.is_superuser,
        "permissions": [p for p in checked if user.has_perm(p)],
    }
