"""Invalidate every cached page that shows incidents whenever one changes.

The namespace is bumped at once (so the next request in this process sees the change) and again
when the transaction commits (so a page cached by a concurrent request between the write and the
commit does not outlive it).
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from icetracker.pagecache import bump
from incidents.models import Evidence, Incident

NAMESPACE = "incidents"


def invalidate() -> None:
    bump(NAMESPACE)
    transaction.on_commit(lambda: bump(NAMESPACE))


@receiver(post_save, sender=Incident, dispatch_uid="incidents_incident_saved")
@receiver(post_delete, sender=Incident, dispatch_uid="incidents_incident_deleted")
@receiver(post_save, sender=Evidence, dispatch_uid="incidents_evidence_saved")
@receiver(post_delete, sender=Evidence, dispatch_uid="incidents_evidence_deleted")
def incident_changed(sender: type, **kwargs: Any) -> None:
    invalidate()


@receiver(
    m2m_changed, sender=Incident.related_incidents.through, dispatch_uid="incidents_related_changed"
)
def related_changed(sender: type, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate()
