"""Every change to incidents, evidence, directory entries and statistics is recorded, with who
made it, and the history is visible in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import registered_models

from tests.incidents.factories import IncidentFactory
from tests.security.adminforms import resubmit_admin_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cheap_hashing")]

EDITORIAL_APPS = ("incidents", "rapidresponse", "stats")
# Derived by the database from the models above, never edited by anyone.
DERIVED = {
    "incidents.FacetCell",
    "incidents.FacetCount",
    "incidents.SearchTermCount",
    "incidents.SearchPosting",
    "incidents.SearchTermIds",
}


def editorial_models():
    for app_label in EDITORIAL_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.model_name.startswith("historical") or model._meta.label in DERIVED:
                continue
            yield model


@pytest.mark.parametrize("model", list(editorial_models()), ids=lambda m: m._meta.label)
def test_every_editorial_model_keeps_a_history_visible_in_the_admin(model):
    assert model in registered_models.values(), (
        f"{model._meta.label} has no history: add `history = HistoricalRecords()`"
    )
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model._meta.label} is not in the admin"
    assert isinstance(model_admin, SimpleHistoryAdmin), (
        f"{model._meta.label}'s admin should subclass SimpleHistoryAdmin to show its history"
    )


def test_an_admin_edit_records_the_editor_and_the_change(client, make_staff):
    editor = make_staff("ed", role="Editor")
    client.force_login(editor)
    incident = IncidentFactory(headline="Before the correction")
    url = f"/admin/incidents/incident/{incident.pk}/change/"
    response = client.post(
        url,
        resubmit_admin_form(
            client.get(url),
            headline="After the correction",
            corrections_note="Headline corrected on review.",
        ),
    )
    assert response.status_code == 302

    latest, previous = incident.history.all()[:2]
    assert latest.history_user == editor
    assert latest.history_type == "~"
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert {"headline", "corrections_note"} <= changed

    history_page = client.get(f"/admin/incidents/incident/{incident.pk}/history/")
    assert history_page.status_code == 200
    assert "ed" in history_page.content.decode()


def test_the_public_page_shows_the_corrections_note(client):
    incident = IncidentFactory(corrections_note="The date was corrected on 3 March.")
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "The date was corrected on 3 March." in page
