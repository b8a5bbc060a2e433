"""Staff roles: which permissions each group gets.

A role is a list of (app label, codename prefix) grants. Prefixes such as "view_" cover every
model of the app, including models added after this file was written, so a new feeds or
rapid-response model is covered as soon as its permissions exist. `sync_roles()` runs from a
data migration and again after every `migrate`, so the groups always match this table: to give
someone a different mix, create another group rather than editing these.
"""

from django.db.models import Model, Q, QuerySet

EDITOR = "Editor"
CONTRIBUTOR = "Contributor"
ADMIN = "Admin"

EVERYTHING = "*"

_EDITOR_WITHOUT_PUBLISHING: list[tuple[str, str]] = [
    # The review queue: read and triage feed items and sources; never delete them.
    ("feeds", "view_"),
    ("feeds", "change_"),
    # Incidents and evidence: write, but never delete (evidence is also PROTECT in the database).
    ("incidents", "view_"),
    ("incidents", "add_"),
    ("incidents", "change_"),
    # The rapid-response directory.
    ("rapidresponse", "view_"),
    ("rapidresponse", "add_"),
    ("rapidresponse", "change_"),
    # Read-only: official statistics and the record of every import.
    ("stats", "view_"),
    ("imports", "view_"),
]

ROLES: dict[str, list[tuple[str, str]] | str] = {
    # Works the review queue, writes incidents and evidence, maintains the directory, publishes.
    EDITOR: [*_EDITOR_WITHOUT_PUBLISHING, ("incidents", "publish_incident")],
    # The same work without the right to make an incident public.
    CONTRIBUTOR: _EDITOR_WITHOUT_PUBLISHING,
    # Every permission, including deleting and managing users and groups.
    ADMIN: EVERYTHING,
}


def grants_query(grants: list[tuple[str, str]]) -> Q:
    query = Q(pk__in=[])
    for app_label, prefix in grants:
        grant = Q(content_type__app_label=app_label, codename__startswith=prefix)
        if prefix != "view_":
            # The audit trail (django-simple-history's Historical* models) is read-only for
            # everyone but Admin.
            grant &= ~Q(codename__startswith=f"{prefix}historical")
        query |= grant
    return query


def role_permissions(role: str, permission_model: type[Model]) -> QuerySet:
    """The permissions a role grants. Works with historical models inside migrations too."""
    grants = ROLES[role]
    permissions = permission_model.objects.all()
    if grants == EVERYTHING:
        return permissions
    return permissions.filter(grants_query(grants))


def sync_roles(group_model: type[Model], permission_model: type[Model]) -> None:
    """Create the role groups and set each one's permissions to exactly the table above."""
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role, permission_model))
