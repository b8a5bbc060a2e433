"""Statistics in the admin: read-only for everyone, searchable, filterable, with history."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stats.models import RemovalsToDate
from tests.stats.factories import (
    DetentionFacilityFactory,
    FacilityPopulationFactory,
    IceStatFactory,
    RemovalsFactory,
)

pytestmark = pytest.mark.django_db

MODELS = (
    "icestat",
    "removalstodate",
    "detainedbycriminality",
    "monthlypopulation",
    "staylength",
    "bookins",
    "detentionfacility",
    "facilitypopulation",
)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_2FA = False


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_user(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    return user


@pytest.fixture
def admin_user(client):
    user = get_user_model().objects.create_superuser(username="root", password="x" * 16)
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", MODELS)
def test_every_statistics_model_has_a_changelist(client, admin_user, model):
    response = client.get(f"/admin/stats/{model}/")
    assert response.status_code == 200
    assert f"/admin/stats/{model}/add/" not in response.content.decode()
    assert client.get(f"/admin/stats/{model}/add/").status_code == 403


def test_flagged_rows_can_be_filtered_and_searched(client, admin_user):
    RemovalsFactory(removals=1)
    RemovalsFactory(pull_date="2026-04-03", file_date="2026-04-10", quality_note="labelled wrong")
    flagged = client.get("/admin/stats/removalstodate/", {"quality": "flagged"})
    assert "1 removals to date (ICE release)" in flagged.content.decode()
    found = client.get("/admin/stats/removalstodate/", {"q": "labelled"})
    assert "1 removals to date (ICE release)" in found.content.decode()


def test_an_editor_reads_statistics_and_their_history_but_cannot_change_them(client, editor):
    row = RemovalsFactory()
    stat = IceStatFactory(total_deportations=10)
    assert client.get("/admin/stats/removalstodate/").status_code == 200
    page = client.get(f"/admin/stats/removalstodate/{row.pk}/change/")
    assert page.status_code == 200
    assert 'name="removals"' not in page.content.decode()  # read-only
    assert client.get(f"/admin/stats/removalstodate/{row.pk}/history/").status_code == 200
    response = client.post(f"/admin/stats/icestat/{stat.pk}/change/", {"total_deportations": 1})
    assert response.status_code == 403
    stat.refresh_from_db()
    assert stat.total_deportations == 10


def test_history_shows_the_import_that_wrote_a_row(client, admin_user, tmp_path):
    path = tmp_path / "removals.csv"
    path.write_text("removals,fiscal_year,file_date,pull_date\n5,2026,2026-04-09,2026-04-02\n")
    call_command("import_detention_stats", str(path), stdout=StringIO())
    path.write_text("removals,fiscal_year,file_date,pull_date\n6,2026,2026-04-09,2026-04-02\n")
    call_command("import_detention_stats", str(path), stdout=StringIO())
    row = RemovalsToDate.objects.get()
    assert [h.history_type for h in row.history.all()] == ["~", "+"]
    assert row.history.first().history_change_reason == f"import run {row.import_run_id}"
    response = client.get(f"/admin/stats/removalstodate/{row.pk}/history/")
    assert f"import run {row.import_run_id}" in response.content.decode()


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("removalstodate", lambda n: RemovalsFactory(pull_date=date(2026, 1, 1 + n))),
        ("facilitypopulation", lambda n: FacilityPopulationFactory()),
        ("detentionfacility", lambda n: DetentionFacilityFactory()),
        ("icestat", lambda n: IceStatFactory(fiscal_year=2000 + n)),
    ],
)
def test_changelists_run_a_constant_number_of_queries(client, admin_user, model, make):
    make(0)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/admin/stats/{model}/")
    for n in range(1, 6):
        make(n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/admin/stats/{model}/").status_code == 200
    assert len(many) == len(few)


def test_an_edit_in_the_admin_invalidates_the_cached_pages(client, admin_user):
    stat = IceStatFactory(total_deportations=10)
    visitor = Client()
    visitor.get("/api/v1/ice-stats")
    assert visitor.get("/api/v1/ice-stats")["X-Page-Cache"] == "hit"
    response = client.post(
        f"/admin/stats/icestat/{stat.pk}/change/",
        {
            **{k: v for k, v in model_to_dict(stat).items() if v is not None and k != "id"},
            "note": "corrected",
        },
    )
    assert response.status_code == 302
    stat.refresh_from_db()
    assert stat.note == "corrected"
    assert stat.history.first().history_type == "~"
    assert visitor.get("/api/v1/ice-stats")["X-Page-Cache"] == "miss"
