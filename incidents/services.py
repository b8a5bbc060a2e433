"""Writes with side effects on incidents: publishing and unpublishing.

Publishing needs the `incidents.publish_incident` permission. An incident is validated again
before it goes public (privacy rules included), and every change is recorded in its history
with the editor who made it. Page caches are invalidated by the model signals.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from incidents.models import Incident

PUBLISH_PERMISSION = "incidents.publish_incident"

User = AbstractBaseUser | AnonymousUser


def can_publish(user: User | None) -> bool:
    return bool(user and user.has_perm(PUBLISH_PERMISSION))


@transaction.atomic
def set_public(*, incidents: Iterable[Incident], public: bool, user: User) -> list[Incident]:
    """Publish or unpublish incidents; returns the ones that changed. All or nothing."""
    if not can_publish(user):
        raise PermissionDenied(_("You do not have permission to publish or unpublish incidents."))
    ids = [incident.pk for incident in incidents]
    changed = []
    for incident in Incident.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if incident.is_public == public:
            continue
        incident.is_public = public
        if public:
            incident.full_clean()
        incident._history_user = user
        incident._change_reason = "published" if public else "unpublished"
        incident.save()
        changed.append(incident)
    return changed


def publish(*, incident: Incident, user: User) -> Incident:
    set_public(incidents=[incident], public=True, user=user)
    incident.refresh_from_db()
    return incident


def unpublish(*, incident: Incident, user: User) -> Incident:
    set_public(incidents=[incident], public=False, user=user)
    incident.refresh_from_db()
    return incident
