"""Deterministic feed sources and review-queue items for the scale database.

`generate_feed_items(sources=50, items=200_000, seed=1)` creates `sources` healthy feed sources
and spreads `items` queued items over them (80 % pending, 18 % dismissed with a reason, 2 %
promoted to one of the existing incidents), published 2017-01-01 to 2026-03-31. On PostgreSQL
the items are written with COPY (about ten times faster than bulk_create); elsewhere with
bulk_create. The same arguments on the same incidents give the same rows, apart from ids.

Synthetic sources are named "Bench wire NN" and their hosts end in `.bench.example.net`, so they
never collide with the bundled sources or bench/feeds.py's ingestion benchmark.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from feeds.models import FeedItem, FeedSource, ReviewStatus
from incidents.models import Incident

HOST = "bench.example.net"
SOURCE_PREFIX = "Bench wire"
START = datetime.datetime(2017, 1, 1, tzinfo=datetime.UTC)
SPAN_SECONDS = int((datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC) - START).total_seconds())
COPY_COLUMNS = (
    "source_id",
    "original_url",
    "guid",
    "title",
    "summary",
    "raw_text",
    "published_at",
    "matched_keywords",
    "status",
    "reviewed_at",
    "promoted_incident_id",
    "dismiss_reason",
    "created_at",
)
BATCH_SIZE = 10_000

TITLES = [
    "ICE agents detain {who} outside a {place} in {city}",
    "{who} held for weeks at {facility}, family says",
    "Federal judge orders release of {who} detained in {city}",
    "Immigration raid at a {place} in {city} leaves children without parents",
    "Deportation flight carries {who} despite pending appeal",
    "Lawmakers tour {facility} after reports of medical neglect",
    "Community groups launch rapid-response hotline in {city}",
    "DHS defends arrests at a {place} in {city}",
]
WHO = ["a US citizen", "a father of three", "a student", "a pastor", "a farmworker", "a nurse"]
PLACES = ["courthouse", "school", "church", "hospital", "car wash", "construction site"]
CITIES = ["Houston", "Chicago", "Los Angeles", "Miami", "Phoenix", "Newark", "Denver", "Atlanta"]
FACILITIES = ["Krome", "Stewart Detention Center", "Adelanto", "Delaney Hall", "Port Isabel"]
KEYWORDS = ["ice", "immigration raid", "deportation", "detention", "dhs", "ice raid"]
SENTENCES = [
    "Witnesses said agents arrived in unmarked vehicles.",
    "A lawyer for the family said no warrant was shown.",
    "The agency did not respond to a request for comment.",
    "Advocates called for an independent investigation.",
    "Neighbours gathered outside the building within the hour.",
    "The case is due back in court next month.",
]
DISMISS_REASONS = ["Duplicate of an existing incident", "Not about immigration enforcement"]


@dataclass
class GeneratedFeeds:
    sources: int
    items: int


def _sources(count: int) -> list[FeedSource]:
    now = timezone.now()
    return [
        FeedSource(
            name=f"{SOURCE_PREFIX} {n:02d}",
            url=f"https://feeds{n:02d}.{HOST}/rss.xml",
            homepage=f"https://feeds{n:02d}.{HOST}/",
            last_fetched_at=now,
            last_success_at=now,
            last_status="HTTP 200: 40 entries, 0 new",
        )
        for n in range(1, count + 1)
    ]


def _items(
    rng: random.Random, source_ids: list[int], incident_ids: list[int], count: int
) -> Iterator[tuple]:
    for n in range(count):
        ordinal = n % len(source_ids)
        source = source_ids[ordinal]
        published = START + datetime.timedelta(seconds=rng.randrange(SPAN_SECONDS))
        title = rng.choice(TITLES).format(
            who=rng.choice(WHO),
            place=rng.choice(PLACES),
            city=rng.choice(CITIES),
            facility=rng.choice(FACILITIES),
        )
        body = " ".join(rng.sample(SENTENCES, 2))
        roll = rng.random()
        status, reviewed, incident, reason = ReviewStatus.PENDING, None, None, ""
        if roll < 0.18:
            status, reviewed, reason = (
                ReviewStatus.DISMISSED,
                published,
                rng.choice(DISMISS_REASONS),
            )
        elif roll < 0.20 and incident_ids:
            status, reviewed = ReviewStatus.PROMOTED, published
            incident = incident_ids[rng.randrange(len(incident_ids))]
        keywords = sorted(rng.sample(KEYWORDS, rng.randint(1, 3)))
        yield (
            source,
            f"https://feeds{ordinal + 1:02d}.{HOST}/{published:%Y/%m/%d}/story-{n}",
            f"bench-{source}-{n}",
            title,
            f"<p>{body}</p>",
            f"{title}\n{body}",
            published,
            keywords,
            status,
            reviewed,
            incident,
            reason,
            published + datetime.timedelta(minutes=rng.randrange(5, 180)),
        )


def _copy(rows: Iterator[tuple]) -> None:
    from psycopg.types.json import Jsonb

    table = FeedItem._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row[:7], Jsonb(row[7]), *row[8:]))


def _bulk_create(rows: Iterator[tuple]) -> None:
    batch = []
    for row in rows:
        values = dict(zip(COPY_COLUMNS, row, strict=True))
        batch.append(FeedItem(**values))
        if len(batch) == BATCH_SIZE:
            FeedItem.objects.bulk_create(batch)
            batch = []
    FeedItem.objects.bulk_create(batch)


@transaction.atomic
def generate_feed_items(*, sources: int, items: int, seed: int = 1) -> GeneratedFeeds:
    """Create `sources` feed sources and `items` queued items over them (no history rows)."""
    rng = random.Random(seed)
    created = FeedSource.objects.bulk_create(_sources(sources))
    source_ids = [source.pk for source in created]
    incident_ids = list(Incident.objects.order_by("id").values_list("id", flat=True)[:10_000])
    rows = _items(rng, source_ids, incident_ids, items)
    if connection.vendor == "postgresql":
        _copy(rows)
    else:
        _bulk_create(rows)
    return GeneratedFeeds(sources=len(created), items=items)
