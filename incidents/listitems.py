"""The API list's first page as its items, each value made where it costs least.

An uncached API page of 100 incidents spent about 0.6 ms of Python (a sixth of its CPU) on its
rows: psycopg parsing each date, a dict per row from its columns, then a second dict per row
(IncidentListItemSerializer.item) with the date written back as text and the address checked
against a regular expression. Here PostgreSQL writes the date as text and the address, and each
row becomes its item in one step; orjson still writes the JSON, with its escapes.

The page's own SQL is compiled_page's without the evidence stats; they are worked out after the
LIMIT in one look-up of each row's evidence (both counts in one aggregate), where
with_evidence_stats() makes two. Both are measured in the README's Performance section.

It applies where the page comes from compiled_page (PostgreSQL, the first page of facets and a
search) and a detail page's address is the prefix, the id and a plain slug (detail_urls). A
page with any other slug is built by item(), which asks reverse() for its address.
"""

import functools

from icetracker.prepared import prepared_cursor
from incidents.filters import IncidentFilter
from incidents.models import VIDEO_TYPES, Evidence, detail_prefix
from incidents.serializers import IncidentListItemSerializer

# IncidentListItemSerializer's fields in its order, as PostgreSQL gives them from a row of the
# compiled page ("page") and its evidence stats ("stats"). The address is NULL for a slug that
# SLUG_IN_URL does not match (an empty one is "incident", as in detail_urls()).
ITEM_COLUMNS = {
    "id": "page.id",
    "headline": "page.headline",
    "summary": "page.summary",
    "incident_type": "page.incident_type",
    "incident_date": "to_char(page.incident_date, 'YYYY-MM-DD')",
    "city": "page.city",
    "state": "page.state",
    "outcome": "page.outcome",
    "verification_status": "page.verification_status",
    "victim_is_citizen": "page.victim_is_citizen",
    "evidence_count": "stats.evidence_count",
    "has_video": "stats.has_video",
    "url": "CASE WHEN page.slug ~ '^[-A-Za-z0-9_]*$' THEN %s::text || page.id || '-'"
    " || COALESCE(NULLIF(page.slug, ''), 'incident') || '/' END",
}
ITEM_FIELDS = tuple(IncidentListItemSerializer.Meta.fields)
URL_AT = ITEM_FIELDS.index("url")


@functools.lru_cache(maxsize=256)
def items_sql(page_sql: str) -> str:
    """The items of `page_sql`'s rows in its order; its parameters are the address prefix,
    page_sql's, then the video types."""
    evidence = Evidence._meta.db_table
    videos = ", ".join(["%s"] * len(VIDEO_TYPES))
    columns = ", ".join(ITEM_COLUMNS[name] for name in ITEM_FIELDS)
    return (
        f"SELECT {columns} FROM ({page_sql}) AS page CROSS JOIN LATERAL ("
        "SELECT COUNT(*) AS evidence_count, COUNT(*) FILTER ("
        f"WHERE e.evidence_type IN ({videos}) AND NOT e.is_removed) > 0 AS has_video"
        f' FROM "{evidence}" AS e WHERE e.incident_id = page.id) AS stats'
    )


def first_page_items(filterset: IncidentFilter, limit: int) -> list[dict] | None:
    """The items of a valid filter's first `limit` incidents, or None where this does not
    apply (the caller builds them with IncidentListItemSerializer.item)."""
    prefix = detail_prefix()
    first = filterset.compiled_first_page(0, limit, stats=False) if prefix is not None else None
    if first is None:
        return None
    compiled, params = first
    with prepared_cursor(filterset.queryset.db, prepare=compiled.prepare) as cursor:
        cursor.execute(items_sql(compiled.sql), [prefix, *params, *VIDEO_TYPES])
        rows = cursor.fetchall()
    if any(row[URL_AT] is None for row in rows):  # an address that only reverse() can make
        return None
    return [dict(zip(ITEM_FIELDS, row, strict=True)) for row in rows]
