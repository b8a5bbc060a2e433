import pytest
from django.utils import timezone

from imports.models import ImportRun

pytestmark = pytest.mark.django_db


def test_health_reports_ok_with_database_cache_and_version(client, settings):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == settings.APP_VERSION
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert response["Cache-Control"] == "no-store"


def test_health_broker_status_follows_redis_url(client, settings):
    body = client.get("/api/v1/health").json()
    expected = "ok" if settings.REDIS_URL else "not_configured"
    assert body["checks"]["broker"]["status"] == expected


def test_health_lists_import_sources_with_last_success_and_last_error(client):
    now = timezone.now() + timezone.timedelta(seconds=1)
    ImportRun.objects.create(
        importer="stats.removals",
        source_name="ICE",
        file_name="a.csv",
        status=ImportRun.Status.SUCCEEDED,
        finished_at=now,
    )
    ImportRun.objects.create(
        importer="stats.removals",
        source_name="ICE",
        file_name="b.csv",
        status=ImportRun.Status.FAILED,
        finished_at=now + timezone.timedelta(seconds=5),
        errors=[{"line": 3, "column": "removals", "value": "x", "message": "not a whole number"}],
    )
    body = client.get("/api/v1/health").json()
    [source] = [s for s in body["data_sources"] if s.get("importer") == "stats.removals"]
    assert source["last_success"] is not None
    assert source["last_error"] == "line 3: not a whole number"
    assert body["status"] == "degraded"


def test_health_dry_runs_do_not_count(client):
    ImportRun.objects.create(
        importer="stats.dry",
        source_name="ICE",
        file_name="a.csv",
        dry_run=True,
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now() + timezone.timedelta(seconds=1),
    )
    body = client.get("/api/v1/health").json()
    assert not [s for s in body["data_sources"] if s.get("importer") == "stats.dry"]
    assert body["status"] == "ok"


def test_openapi_schema_includes_health(client):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert b"/api/v1/health" in response.content
