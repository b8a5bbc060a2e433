from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender: AppConfig, using: str = "default", **kwargs) -> None:
    """Keep the role groups in step with staff/roles.py, including models added since."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from staff.roles import sync_roles

    # Permissions for every app first, whatever its position in INSTALLED_APPS.
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles(Group, Permission)


class StaffConfig(AppConfig):
    default = True
    name = "staff"
    verbose_name = _("Staff access")

    def ready(self) -> None:
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="staff.roles")


class StaffAdminConfig(admin_apps.AdminConfig):
    """The admin, served by a site that enforces two-factor authentication when required."""

    default = False
    default_site = "staff.admin_site.StaffAdminSite"
