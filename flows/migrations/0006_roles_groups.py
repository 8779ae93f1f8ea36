"""The role groups (Viewer, Editor, Publisher, Admin) with their permissions, as flows/roles.py names them then."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

# Frozen here as they were when this migration was written (a migration must not change when flows/roles.py does).
VIEWER = [
    "flows.view_flow",
    "flows.view_flowversion",
    "flows.view_conversation",
    "flows.view_message",
    "flows.view_run",
    "flows.view_step",
    "flows.view_hook",
    "flows.view_hookdelivery",
    "flows.view_flowasset",
]
EDITOR = [*VIEWER, "flows.add_flow", "flows.change_flow", "flows.preview_flow"]
PUBLISHER = [
    *EDITOR,
    "flows.publish_flow",
    "flows.delete_flow",
    "flows.add_hook",
    "flows.change_hook",
    "flows.delete_hook",
    "flows.add_flowasset",
    "flows.change_flowasset",
    "flows.delete_flowasset",
]
ADMIN = [*PUBLISHER, "integrations.*", "auth.*", "authtoken.*", "flows.*"]
ROLES = {"Viewer": VIEWER, "Editor": EDITOR, "Publisher": PUBLISHER, "Admin": ADMIN}


def create_groups(apps, schema_editor):
    # Permissions are made after all migrations (post_migrate); these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        query = Q(pk__in=[])
        for name in names:
            app_label, codename = name.split(".", 1)
            query |= (
                Q(content_type__app_label=app_label)
                if codename == "*"
                else Q(content_type__app_label=app_label, codename=codename)
            )
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(query))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("flows", "0005_roles_revision_notes_permissions"),
        ("integrations", "0005_calendarbooking"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
