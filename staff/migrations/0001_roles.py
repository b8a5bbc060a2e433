"""Create the Editor, Contributor and Admin groups with the permissions in staff/roles.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from staff.roles import ROLES, sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after `migrate` finishes; create them now so the groups
    # start complete. Historical app configs have no models module, hence the flag.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("imports", "0001_initial"),
        ("incidents", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
