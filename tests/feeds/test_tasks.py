"""Celery tasks: fan-out, retries, and a real worker on Redis (not eager mode)."""

import time

import pytest
from celery.signals import task_postrun
from django.db import connections

from feeds import tasks
from feeds.models import FeedItem, FeedSource
from tests.feeds.conftest import Reply, fixture_bytes


@pytest.mark.django_db
def test_poll_all_feeds_enqueues_one_task_per_due_source(monkeypatch, make_source):
    queued = []
    monkeypatch.setattr(tasks.poll_feed, "delay_on_commit", queued.append)
    due = make_source("/due.xml")
    make_source("/off.xml", active=False)
    backing_off = make_source("/later.xml")
    FeedSource.objects.filter(pk=backing_off.pk).update(next_fetch_after="2999-01-01T00:00:00Z")
    assert tasks.poll_all_feeds() == 1
    assert queued == [due.pk]


def test_poll_feed_is_configured_for_safe_retries(settings):
    task = tasks.poll_feed
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.autoretry_for == (tasks.TransientFeedError,)
    assert task.retry_backoff is True
    assert task.retry_jitter is True
    assert task.max_retries == settings.FEEDS_TASK_MAX_RETRIES
    assert task.soft_time_limit < task.time_limit
    assert task.soft_time_limit > settings.FEEDS_TOTAL_TIMEOUT
    schedule = settings.CELERY_BEAT_SCHEDULE["poll-all-feeds"]
    assert schedule["task"] == "feeds.tasks.poll_all_feeds"
    assert schedule["schedule"] == settings.FEEDS_POLL_INTERVAL_MINUTES * 60


@pytest.mark.django_db
def test_poll_feed_raises_for_a_transient_error_so_celery_retries(feed_server, make_source):
    feed_server.serve("/feed.xml", Reply(503))
    source = make_source()
    with pytest.raises(tasks.TransientFeedError):
        tasks.poll_feed.run(source.pk)
    feed_server.serve("/feed.xml", Reply(404))
    assert tasks.poll_feed.run(source.pk)["status"] == "error"  # permanent: no retry


@pytest.mark.django_db
def test_poll_feed_skips_missing_and_inactive_sources(make_source):
    source = make_source(active=False)
    assert tasks.poll_feed.run(source.pk)["status"] == "skipped"
    assert tasks.poll_feed.run(999_999)["status"] == "skipped"


def _wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def celery_worker_on_redis():
    from celery.contrib.testing.worker import start_worker

    from icetracker.celery import app

    def close_connections(**kwargs):
        connections.close_all()  # the worker's threads must not keep the test database open

    task_postrun.connect(close_connections, weak=False)
    app.control.purge()
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=2,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=10,
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_connections)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_polls_every_source_and_retries_transient_errors(
    feed_server, make_source, celery_worker_on_redis
):
    feed_server.serve_feed("/a.xml", "guid_a.xml")
    body = fixture_bytes("guid_b.xml")
    attempts = []

    def flaky(seen):
        attempts.append(seen)
        return Reply(503) if len(attempts) == 1 else Reply(body=body)

    feed_server.serve("/b.xml", flaky)
    make_source("/a.xml", name="A")
    make_source("/b.xml", name="B")

    tasks.poll_all_feeds.delay()

    assert _wait_for(lambda: FeedItem.objects.count() == 5), FeedItem.objects.count()
    assert len(attempts) == 2, "the 503 was retried once"
    assert feed_server.hits("/a.xml") == 1
    b = FeedSource.objects.get(name="B")
    assert b.consecutive_errors == 0
    assert b.last_error.startswith("HTTP 503")
