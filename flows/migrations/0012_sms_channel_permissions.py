"""The roles get the channels' permissions: Viewers see a flow's channels, Publishers add and remove them (a channel
answers texts at once, like a hook), Admins hold every permission of flows."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here as flows/roles.py names them now (a migration must not change when that module does).
GRANTS = {
    "Viewer": ["view_channel"],
    "Editor": ["view_channel"],
    "Publisher": ["view_channel", "add_channel", "delete_channel"],
    "Admin": ["view_channel", "add_channel", "change_channel", "delete_channel", "view_channelinbound",
              "add_channelinbound", "change_channelinbound", "delete_channelinbound", "view_optout", "add_optout",
              "change_optout", "delete_optout"],
}  # fmt: skip


def grant(apps, schema_editor):
    # Permissions are made after all migrations (post_migrate); the groups need the new models' ones now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="flows", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("flows", "0011_sms_channels")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
