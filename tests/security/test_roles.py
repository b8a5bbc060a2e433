"""Editor, Contributor and Admin groups: what each may do, kept in sync after every migrate."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.test import RequestFactory

from tests.incidents.factories import EvidenceFactory, IncidentFactory
from tests.security.adminforms import resubmit_admin_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cheap_hashing")]

# Written out here, independently of staff/roles.py, so a change to the role table that breaks
# the rules below fails a test.
FORBIDDEN_APPS = {"auth", "contenttypes", "sessions", "admin", "otp_totp", "axes", "staff"}


def codes(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def model_codes(app_label: str, *actions: str, historical: bool = False) -> set[str]:
    found = set()
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.model_name.startswith("historical") != historical:
            continue
        found |= {f"{app_label}.{action}_{model._meta.model_name}" for action in actions}
    return found


def test_the_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editor", "Contributor", "Admin"}


@pytest.mark.parametrize("role", ["Editor", "Contributor"])
def test_editors_can_never_delete_or_manage_accounts(role):
    granted = codes(role)
    assert granted, f"{role} has no permissions at all"
    assert not {code for code in granted if code.split(".")[1].startswith("delete_")}
    assert not {code for code in granted if code.split(".")[0] in FORBIDDEN_APPS}


@pytest.mark.parametrize("role", ["Editor", "Contributor"])
def test_editors_work_incidents_queue_directory_and_read_statistics(role):
    granted = codes(role)
    assert model_codes("incidents", "view", "add", "change") <= granted
    assert model_codes("rapidresponse", "view", "add", "change") <= granted
    assert model_codes("feeds", "view", "change") <= granted
    assert model_codes("stats", "view") <= granted
    assert model_codes("imports", "view") <= granted
    # Statistics and import runs come from sourced files: editors read them, never edit them.
    assert not granted & model_codes("stats", "add", "change")
    assert not granted & model_codes("imports", "add", "change")


@pytest.mark.parametrize("role", ["Editor", "Contributor"])
def test_the_audit_trail_is_read_only_for_editors(role):
    granted = codes(role)
    for app_label in ("incidents", "rapidresponse", "feeds", "stats"):
        assert model_codes(app_label, "view", historical=True) <= granted
        assert not granted & model_codes(app_label, "add", "change", "delete", historical=True)


def test_only_editors_may_publish(make_staff):
    assert "incidents.publish_incident" in codes("Editor")
    assert "incidents.publish_incident" not in codes("Contributor")
    assert make_staff("ed", role="Editor").has_perm("incidents.publish_incident")
    assert not make_staff("co", role="Contributor").has_perm("incidents.publish_incident")


def test_admin_role_has_every_permission():
    assert Group.objects.get(name="Admin").permissions.count() == Permission.objects.count()


def test_migrate_gives_roles_the_permissions_of_models_added_later():
    content_type = ContentType.objects.create(app_label="rapidresponse", model="newdirectory")
    for action in ("view", "add", "change", "delete"):
        Permission.objects.create(
            content_type=content_type, codename=f"{action}_newdirectory", name=action
        )
    editor = Group.objects.get(name="Editor")
    editor.permissions.add(Permission.objects.get(codename="delete_incident"))
    editor.permissions.remove(Permission.objects.get(codename="publish_incident"))

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    granted = codes("Editor")
    assert {f"rapidresponse.{a}_newdirectory" for a in ("view", "add", "change")} <= granted
    assert "rapidresponse.delete_newdirectory" not in granted
    assert "incidents.delete_incident" not in granted, "drift is reset to the role table"
    assert "incidents.publish_incident" in granted
    assert "rapidresponse.delete_newdirectory" in codes("Admin")


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_creates_the_roles_on_its_own():
    executor = MigrationExecutor(connection)
    executor.migrate([("staff", None)])
    assert not Group.objects.filter(name__in=["Editor", "Contributor", "Admin"]).exists()
    executor.loader.build_graph()
    executor.migrate([("staff", "0001_roles")])
    assert "incidents.publish_incident" in codes("Editor")
    assert not {c for c in codes("Editor") if c.split(".")[1].startswith("delete_")}
    assert Group.objects.get(name="Admin").permissions.count() == Permission.objects.count()


def test_deleting_an_incident_with_evidence_is_refused_by_the_database():
    evidence = EvidenceFactory()
    with pytest.raises(ProtectedError):
        evidence.incident.delete()


@pytest.mark.parametrize("role", ["Editor", "Contributor"])
def test_no_admin_page_offers_editors_a_delete(role, make_staff):
    """Every registered ModelAdmin, including ones added later, hides delete from editors."""
    request = RequestFactory().get("/admin/")
    request.user = make_staff("someone", role=role)
    offered = []
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_delete_permission(request) or "delete_selected" in (
            model_admin.get_actions(request)
        ):
            offered.append(model._meta.label)
    assert not offered


def test_evidence_and_incidents_admin_pages_refuse_deletes_to_editors(client, make_staff):
    from incidents.models import Evidence, Incident

    for model in (Incident, Evidence):
        assert admin.site.is_registered(model), f"{model._meta.label} has no admin yet"
    editor = make_staff("ed", role="Editor")
    client.force_login(editor)
    incident = IncidentFactory()
    evidence = EvidenceFactory(incident=incident)
    for obj in (incident, evidence):
        url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/delete/"
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(("role", "may_publish"), [("Editor", True), ("Contributor", False)])
def test_only_staff_with_the_publish_permission_publish_through_the_admin(
    role, may_publish, client, make_staff
):
    client.force_login(make_staff("someone", role=role))
    draft = IncidentFactory(is_public=False)
    EvidenceFactory(incident=draft)
    url = f"/admin/incidents/incident/{draft.pk}/change/"

    form_page = client.get(url)
    assert form_page.status_code == 200
    response = client.post(url, resubmit_admin_form(form_page, is_public="on"))
    assert response.status_code in (200, 302, 403)
    draft.refresh_from_db()
    assert draft.is_public is may_publish

    draft.is_public = False
    draft.save()
    client.post(
        "/admin/incidents/incident/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_public is may_publish
