"""The CSV export's rows formatted by PostgreSQL, byte for byte as incidents/export.py writes them.

export.py builds every cell in Python: about 50 µs per incident, so 100,000 incidents took
10 s (bench/run.py). Here PostgreSQL formats each row into one CSV line (the same formula
neutralising, booleans as true/false, ISO dates and times, evidence columns, and csv.writer's
minimal quoting), so Python only joins lines. The incidents are still read in chunks of
export.CHUNK_SIZE: a server-side cursor yields the ids in the export's order, and each chunk's
lines come from one short query, so memory stays flat and no statement runs for long (web
requests run under statement_timeout).

Used on PostgreSQL when every column of export.COLUMNS has its SQL below (tests/incidents
compare both writers on awkward values); anything else falls back to export.py's writer.
"""

from collections.abc import Iterator
from itertools import islice

from django.db import connections
from django.db.models import QuerySet

from incidents.models import VIDEO_TYPES

EVIDENCE_ORDER = "e.is_primary DESC, e.captured_date, e.id"  # export.evidence_by_incident's
# The codes of export.FORMULA_STARTS (=, +, -, @, tab, carriage return), for ascii(): a text's
# first character as a number, where left(text, 1) made a text of it to compare (8 % of a
# chunk's statement, README).
FORMULA_START_CODES = "(61, 43, 45, 64, 9, 13)"


def _text(sql: str) -> str:
    """A text value as export.cell() writes it: a formula-like start gets an apostrophe."""
    return f"CASE WHEN ascii({sql}) IN {FORMULA_START_CODES} THEN '''' || {sql} ELSE {sql} END"


def _boolean(sql: str) -> str:
    return f"CASE WHEN {sql} THEN 'true' WHEN NOT {sql} THEN 'false' END"


def _date(sql: str) -> str:
    return f"to_char({sql}, 'YYYY-MM-DD')"


def _time(sql: str) -> str:
    """datetime.time.isoformat(): microseconds only when there are some."""
    return (
        f"CASE WHEN mod(EXTRACT(MICROSECONDS FROM {sql})::bigint, 1000000) = 0 "
        f"THEN to_char({sql}, 'HH24:MI:SS') ELSE to_char({sql}, 'HH24:MI:SS.US') END"
    )


def _timestamp(sql: str) -> str:
    """An aware UTC datetime's isoformat(), e.g. 2025-01-02T03:04:05+00:00."""
    utc = f"({sql} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"mod(EXTRACT(MICROSECONDS FROM {utc})::bigint, 1000000) = 0 THEN '' "
        f"ELSE to_char({utc}, '.US') END || '+00:00'"
    )


# One SQL expression per export column, over the incident `i` and its evidence summary `ev`.
SQL_COLUMNS = {
    "id": "i.id::text",
    "url": _text("(%(pages)s || i.id || '-' || COALESCE(NULLIF(i.slug, ''), 'incident') || '/')"),
    "headline": _text("i.headline"),
    "incident_type": _text("i.incident_type"),
    "incident_date": _date("i.incident_date"),
    "incident_time": _time("i.incident_time"),
    "city": _text("i.city"),
    "state": _text("i.state"),
    "location_detail": _text("i.location_detail"),
    "is_sanctuary_city": _boolean("i.is_sanctuary_city"),
    "victim_name": _text("i.victim_name"),
    "victim_age": "i.victim_age::text",
    "victim_is_citizen": _boolean("i.victim_is_citizen"),
    "victim_count": "i.victim_count::text",
    "outcome": _text("i.outcome"),
    "outcome_date": _date("i.outcome_date"),
    "outcome_notes": _text("i.outcome_notes"),
    "verification_status": _text("i.verification_status"),
    "summary": _text("i.summary"),
    "why_it_matters": _text("i.why_it_matters"),
    "corrections_note": _text("i.corrections_note"),
    "evidence_count": "ev.n::text",
    "has_video": _boolean("COALESCE(ev.video, false)"),
    "primary_source_name": _text("ev.links[1][2]"),
    "primary_source_url": _text("ev.links[1][1]"),
    "evidence_urls": _text("array_to_string(ev.links[:][1:1], ' | ')"),
    "first_published_at": _timestamp("i.first_published_at"),
    "updated_at": _timestamp("i.updated_at"),
}

VIDEO_TYPES_SQL = ", ".join(f"'{kind}'" for kind in VIDEO_TYPES)
# An incident's evidence count, whether it has a video, and its links in order as rows of
# (url, source name): links[1] is the primary source, links[:][1:1] the urls. One sort of the
# evidence per incident; an ordered aggregate per column sorted it three times (7 % of the
# chunk's statement, README).
EVIDENCE_SUMMARY = f"""
    SELECT count(*) AS n,
        bool_or(e.evidence_type IN ({VIDEO_TYPES_SQL}) AND NOT e.is_removed) AS video,
        array_agg(ARRAY[e.url, e.source_name] ORDER BY {EVIDENCE_ORDER}) AS links
    FROM incidents_evidence e WHERE e.incident_id = i.id
"""


# Columns whose SQL can only give digits, dates, times or true/false: never quoted.
PLAIN_COLUMNS = frozenset(
    {
        "id", "incident_date", "incident_time", "is_sanctuary_city", "victim_age",
        "victim_is_citizen", "victim_count", "outcome_date", "evidence_count", "has_video",
        "first_published_at", "updated_at",
    }
)  # fmt: skip


def _csv_field(name: str, column: str) -> str:
    """csv.writer's minimal quoting: quotes only around a field with , " CR or LF (strpos:
    a quarter of the cost of a regular expression)."""
    value = f"f.{name}"
    if column in PLAIN_COLUMNS:
        return value
    special = " + ".join(
        f"strpos({value}, {char})" for char in ("','", "'\"'", "chr(13)", "chr(10)")
    )
    return (
        f"CASE WHEN {special} > 0 "
        f"THEN '\"' || replace({value}, '\"', '\"\"') || '\"' ELSE {value} END"
    )


def lines_sql(header: list[str]) -> str:
    """One query: the CSV lines (without terminator) of the incidents whose ids are the array
    parameter %(ids)s, in that order. OFFSET 0 keeps PostgreSQL from computing each formatted
    value three times (once per use in the quoting CASE)."""
    cells = ",\n        ".join(
        f"COALESCE({SQL_COLUMNS[name]}, '') AS c{n}" for n, name in enumerate(header)
    )
    line = " || ',' || ".join(_csv_field(f"c{n}", name) for n, name in enumerate(header))
    return f"""
SELECT {line} FROM (
    SELECT o.pos,
        {cells}
    FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS o(id, pos)
    JOIN incidents_incident i ON i.id = o.id
    LEFT JOIN LATERAL ({EVIDENCE_SUMMARY}) ev ON true
    OFFSET 0
) f ORDER BY f.pos"""


def supports(header: list[str], queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql" and set(header) <= set(SQL_COLUMNS)


def lines(queryset: QuerySet, header: list[str], pages: str, chunk_size: int) -> Iterator[str]:
    """The CSV lines (no terminator) of the queryset's incidents, in its order."""
    sql = lines_sql(header)
    ids = queryset.values_list("pk", flat=True).iterator(chunk_size=chunk_size)
    connection = connections[queryset.db]
    while chunk := list(islice(ids, chunk_size)):
        with connection.cursor() as cursor:
            cursor.execute(sql, {"ids": chunk, "pages": pages})
            for (line,) in cursor.fetchall():
                yield line
