"""Feed sources in GET /api/v1/health."""

import pytest
from django.utils import timezone

from feeds.models import FeedSource

pytestmark = pytest.mark.django_db


def test_health_lists_feeds_with_their_state(client):
    now = timezone.now()
    FeedSource.objects.create(
        name="Healthy", url="https://ok.example.org/feed", last_success_at=now
    )
    FeedSource.objects.create(
        name="Broken",
        url="https://broken.example.org/feed",
        last_success_at=now - timezone.timedelta(days=1),
        last_error="HTTP 500",
        last_error_at=now,
        consecutive_errors=2,
    )
    FeedSource.objects.create(name="Switched off", url="https://off.example.org/feed", active=False)
    body = client.get("/api/v1/health").json()
    feeds = {s["name"]: s for s in body["data_sources"] if s["kind"] == "feed"}
    assert set(feeds) == {"Healthy", "Broken"}, "sources an editor switched off are not reported"
    assert feeds["Broken"]["last_error"] == "HTTP 500"
    assert feeds["Broken"]["consecutive_errors"] == 2
    assert feeds["Healthy"]["last_error"] is None
    assert body["status"] == "degraded"


def test_a_source_disabled_for_failing_stays_in_health(client):
    now = timezone.now()
    FeedSource.objects.create(
        name="Dead",
        url="https://dead.example.org/feed",
        active=False,
        disabled_automatically_at=now,
        last_error="cannot resolve dead.example.org",
        last_error_at=now,
    )
    body = client.get("/api/v1/health").json()
    [dead] = [s for s in body["data_sources"] if s["kind"] == "feed"]
    assert dead["active"] is False
    assert dead["disabled_automatically_at"] is not None
