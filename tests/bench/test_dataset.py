"""The benchmark's data generators and its benchmark-only URL configuration."""

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve

from bench.dataset import DatasetSpec
from bench.feeditems import SOURCE_PREFIX, generate_feed_items
from bench.scale import generate_incidents
from feeds.models import FeedItem, FeedSource, ReviewStatus


def snapshot() -> list[tuple]:
    return list(
        FeedItem.objects.order_by("id").values_list(
            "source__name", "original_url", "title", "status", "published_at", "matched_keywords"
        )
    )


@pytest.mark.django_db
def test_feed_items_are_deterministic_spread_over_sources_and_reviewable():
    generate_incidents(public=5, drafts=0, seed=2)
    made = generate_feed_items(sources=4, items=200, seed=9)
    assert (made.sources, made.items) == (4, 200)
    first = snapshot()
    assert {row[0] for row in first} == {f"{SOURCE_PREFIX} {n:02d}" for n in range(1, 5)}
    statuses = {row[3] for row in first}
    assert statuses == {ReviewStatus.PENDING, ReviewStatus.DISMISSED, ReviewStatus.PROMOTED}
    assert not FeedItem.objects.filter(status=ReviewStatus.DISMISSED, dismiss_reason="").exists()
    assert all(2017 <= row[4].year <= 2026 and row[5] for row in first)
    assert FeedSource.objects.filter(last_error_at__isnull=True).count() == 4  # healthy

    FeedItem.objects.all().delete()
    FeedSource.objects.all().delete()
    generate_feed_items(sources=4, items=200, seed=9)
    assert snapshot() == first


def test_the_dataset_marker_names_everything_that_shapes_the_data():
    base = DatasetSpec()
    assert base.marker() == DatasetSpec().marker()
    for changed in (DatasetSpec(seed=2), DatasetSpec(public=10), DatasetSpec(feed_items=5)):
        assert changed.marker() != base.marker()
    assert len(base.marker()["generators"]) == 16


def test_the_baseline_view_exists_only_in_the_benchmark_urls(client):
    with pytest.raises(Resolver404):
        resolve("/bench/baseline")
    with override_settings(ROOT_URLCONF="bench.urls"):
        response = client.get("/bench/baseline")
        assert (response.status_code, response.content) == (200, b"ok\n")
        assert resolve("/incidents/").url_name == "list"  # the production URLs are all there
