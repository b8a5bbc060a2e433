"""Refresh cached rapid-response pages when an editor changes an entry in the admin.

Importers write in bulk (no signals) and bump the namespace themselves after commit.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from icetracker.pagecache import bump

NAMESPACE = "rapidresponse"


def refresh_pages(sender: type, **kwargs: Any) -> None:
    bump(NAMESPACE)


def connect() -> None:
    from rapidresponse.models import NationalResource, RapidResponseNetwork

    for model in (RapidResponseNetwork, NationalResource):
        post_save.connect(refresh_pages, sender=model, dispatch_uid=f"rr-save-{model.__name__}")
        post_delete.connect(refresh_pages, sender=model, dispatch_uid=f"rr-delete-{model.__name__}")
