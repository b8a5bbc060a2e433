"""Celery tasks: thin wrappers that take primary keys and call the services.

`poll_all_feeds` runs on the beat schedule (settings.CELERY_BEAT_SCHEDULE, every
FEEDS_POLL_INTERVAL_MINUTES) and fans out one `poll_feed` per due source. Acks are late and a
lost worker re-queues its task (settings), so a task must be idempotent: ingestion is.
"""

from celery import shared_task
from django.conf import settings

from feeds.models import FeedSource
from feeds.services import IngestResult, ingest_source

# The fetch itself is bounded by FEEDS_TOTAL_TIMEOUT; parsing and writing get the rest.
SOFT_TIME_LIMIT = settings.FEEDS_TOTAL_TIMEOUT + 60
HARD_TIME_LIMIT = SOFT_TIME_LIMIT + 30


class TransientFeedError(Exception):
    """A network problem worth retrying soon (timeouts, 5xx, 429, connection resets)."""


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
    autoretry_for=(TransientFeedError,),
    retry_backoff=True,
    retry_backoff_max=settings.FEEDS_TASK_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.FEEDS_TASK_MAX_RETRIES,
)
def poll_feed(source_id: int) -> dict:
    source = FeedSource.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return {"source_id": source_id, "status": "skipped"}
    result: IngestResult = ingest_source(source=source)
    if result.transient:
        raise TransientFeedError(f"{source.name}: {'; '.join(result.errors)}")
    return {"source_id": source_id, "status": result.status, "new": result.new}


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def poll_all_feeds() -> int:
    """Enqueue one poll per active source whose back-off has run out; returns how many."""
    source_ids = list(FeedSource.objects.due().values_list("pk", flat=True))
    for source_id in source_ids:
        poll_feed.delay_on_commit(source_id)
    return len(source_ids)
