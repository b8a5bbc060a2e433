"""Several workers ingesting the same feed at once on PostgreSQL: counts stay exact."""

import threading

import pytest
from django.db import connections

from feeds.models import FeedItem, FeedSource
from feeds.parse import Entry
from feeds.services import ingest_source, store_entries
from tests.feeds.conftest import ensure_keywords, generated_feed

WORKERS = 4


def run_together(target, arguments):
    barrier = threading.Barrier(len(arguments))
    results, errors = [None] * len(arguments), []

    def work(index, argument):
        try:
            barrier.wait(timeout=10)
            results[index] = target(argument)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_on_one_source_fetch_it_once(feed_server):
    # A transactional test that ran earlier flushes the seeded keywords: bring them back.
    ensure_keywords()
    feed_server.serve("/feed.xml", lambda seen: generated_feed(200))
    source = FeedSource.objects.create(name="Busy", url=feed_server.url("/feed.xml"))
    results = run_together(lambda s: ingest_source(source=s), [source] * WORKERS)
    statuses = sorted(r.status for r in results)
    assert statuses.count("ok") >= 1
    assert set(statuses) <= {"ok", "busy"}
    assert sum(r.new for r in results) == 200
    assert FeedItem.objects.count() == 200
    assert feed_server.hits("/feed.xml") == statuses.count("ok")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_of_the_same_items_are_stored_once_and_counted_exactly():
    """The lease is bypassed on purpose: four sources carry the same 300 stories and write them
    at the same moment, so only the unique constraint and ignore_conflicts keep them apart."""
    ensure_keywords()
    sources = [
        FeedSource.objects.create(name=f"Mirror {n}", url=f"https://mirror{n}.example.org/feed")
        for n in range(WORKERS)
    ]
    entries = [
        Entry(
            link=f"https://wire.example.com/story/{n}?utm_source=mirror",
            guid=f"story-{n}",
            title=f"ICE raid report number {n}",
            summary="<p>Deportation case.</p>",
            text=f"ICE raid report number {n}\nDeportation case.",
            raw_text="",
            published_at=None,
        )
        for n in range(300)
    ]
    results = run_together(lambda s: store_entries(source=s, entries=entries), sources)
    assert sum(r.new for r in results) == 300
    assert sum(r.duplicate for r in results) == 300 * (WORKERS - 1)
    assert all(r.new + r.duplicate == 300 for r in results)
    assert FeedItem.objects.count() == 300
