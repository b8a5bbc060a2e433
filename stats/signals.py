"""Edits made one row at a time (the admin) invalidate the cached statistics pages.

Importers write in bulk, which sends no signals; they bump after their transaction commits.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from icetracker.pagecache import bump


def _bump_stats(**_kwargs) -> None:
    bump("stats")


def connect() -> None:
    for model in apps.get_app_config("stats").get_models():
        if model.__module__ == "stats.models":
            post_save.connect(
                _bump_stats, sender=model, dispatch_uid=f"stats-bump-{model.__name__}"
            )
            post_delete.connect(
                _bump_stats, sender=model, dispatch_uid=f"stats-bump-delete-{model.__name__}"
            )
