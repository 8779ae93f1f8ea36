"""The Admin role holds every permission of flows and integrations: grant those of the models added since 0006."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q


def grant(apps, schema_editor):
    # Permissions are made after all migrations (post_migrate); the group needs the new models' ones now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*Permission.objects.filter(Q(content_type__app_label__in=["flows", "integrations"])))


class Migration(migrations.Migration):
    dependencies = [("flows", "0008_timers")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
