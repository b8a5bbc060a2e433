"""`/incidents/export.csv`: every published incident matching the filters, one row each.

The response is streamed: rows are read with a server-side cursor in chunks, with one evidence
query per chunk, so memory stays flat whatever the number of rows. The column order is
stable and documented on /about/data/; new columns are only ever added at the end.

A cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage
return) gets a leading apostrophe.
"""

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents import exportsql
from incidents.filters import IncidentFilter
from incidents.models import VIDEO_TYPES, Evidence

CHUNK_SIZE = 1000
LINES_PER_WRITE = 200  # about 130 kB of CSV
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
URL_SEPARATOR = " | "
INCIDENT_FIELDS = (
    "id",
    "slug",
    "headline",
    "incident_type",
    "incident_date",
    "incident_time",
    "city",
    "state",
    "location_detail",
    "is_sanctuary_city",
    "victim_name",
    "victim_age",
    "victim_is_citizen",
    "victim_count",
    "outcome",
    "outcome_date",
    "outcome_notes",
    "verification_status",
    "summary",
    "why_it_matters",
    "corrections_note",
    "first_published_at",
    "updated_at",
)


@dataclass(frozen=True)
class Link:
    """One piece of evidence, as much of it as the export needs."""

    url: str
    source_name: str
    is_primary: bool
    is_live_video: bool


@dataclass
class Row:
    """An incident's values (a dict from the query), its evidence and its page address."""

    values: dict[str, Any]
    evidence: list[Link]
    page_url: str


@dataclass(frozen=True)
class Column:
    name: str
    description: Any
    value: Callable[[Row], Any]


def _field(name: str) -> Callable[[Row], Any]:
    return lambda row: row.values[name]


def _primary(row: Row) -> Link | None:
    return row.evidence[0] if row.evidence else None  # primary first, see evidence_by_incident


COLUMNS = [
    Column("id", _("Permanent number of the incident."), _field("id")),
    Column(
        "url",
        _("Address of the incident's page."),
        lambda row: row.page_url,
    ),
    Column("headline", _("Neutral one-line description."), _field("headline")),
    Column("incident_type", _("Type code (see the list of types)."), _field("incident_type")),
    Column("incident_date", _("Date of the incident, YYYY-MM-DD."), _field("incident_date")),
    Column("incident_time", _("Local time if known, HH:MM:SS."), _field("incident_time")),
    Column("city", _("City or county."), _field("city")),
    Column("state", _("Two-letter state or territory code."), _field("state")),
    Column(
        "location_detail",
        _("A public place or facility; never a home address."),
        _field("location_detail"),
    ),
    Column(
        "is_sanctuary_city",
        _("true if the place has a sanctuary policy."),
        _field("is_sanctuary_city"),
    ),
    Column(
        "victim_name",
        _("Name, only as published by officials or the press."),
        _field("victim_name"),
    ),
    Column("victim_age", _("Age in years, if published."), _field("victim_age")),
    Column(
        "victim_is_citizen",
        _("true, false, or empty when unknown."),
        _field("victim_is_citizen"),
    ),
    Column("victim_count", _("Number of people affected."), _field("victim_count")),
    Column("outcome", _("Outcome code (see the list of outcomes)."), _field("outcome")),
    Column("outcome_date", _("Date of the outcome, if known."), _field("outcome_date")),
    Column("outcome_notes", _("What the outcome was, in words."), _field("outcome_notes")),
    Column(
        "verification_status",
        _("verified, reported or disputed (see below)."),
        _field("verification_status"),
    ),
    Column("summary", _("What happened, in neutral terms."), _field("summary")),
    Column("why_it_matters", _("Broader context, if written."), _field("why_it_matters")),
    Column(
        "corrections_note",
        _("What was corrected and when, if anything."),
        _field("corrections_note"),
    ),
    Column("evidence_count", _("Number of evidence links."), lambda row: len(row.evidence)),
    Column(
        "has_video",
        _("true if there is a video that has not been taken down."),
        lambda row: any(link.is_live_video for link in row.evidence),
    ),
    Column(
        "primary_source_name",
        _("Who published the main source."),
        lambda row: (link := _primary(row)) and link.source_name,
    ),
    Column(
        "primary_source_url",
        _("Address of the main source."),
        lambda row: (link := _primary(row)) and link.url,
    ),
    Column(
        "evidence_urls",
        _("Every evidence address, main source first, separated by ' | '."),
        lambda row: URL_SEPARATOR.join(link.url for link in row.evidence),
    ),
    Column(
        "first_published_at",
        _("When the incident was first published here (UTC, ISO 8601)."),
        _field("first_published_at"),
    ),
    Column(
        "updated_at",
        _("When the incident was last changed (UTC, ISO 8601)."),
        _field("updated_at"),
    ),
]
HEADER = [column.name for column in COLUMNS]


def cell(value: Any) -> str:
    """A value as CSV text: booleans as true/false, None as empty, formulas neutralised."""
    if isinstance(value, str):  # most cells: test it first
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return cell(str(value))


def evidence_by_incident(ids: list[int]) -> dict[int, list[Link]]:
    """Evidence of a chunk of incidents in one query, the primary source first."""
    found: dict[int, list[Link]] = defaultdict(list)
    rows = (
        Evidence.objects.filter(incident_id__in=ids)
        .order_by("incident_id", "-is_primary", "captured_date", "id")
        .values_list(
            "incident_id", "url", "source_name", "is_primary", "evidence_type", "is_removed"
        )
    )
    for incident_id, url, source, primary, kind, removed in rows:
        found[incident_id].append(Link(url, source, primary, kind in VIDEO_TYPES and not removed))
    return found


def rows(queryset: QuerySet, request: HttpRequest) -> Iterator[list[str]]:
    """The header, then one list of cells per incident, reading CHUNK_SIZE incidents at a time.

    Plain values rather than model instances, and one evidence query per chunk, so the export
    runs at the speed of the database and holds one chunk in memory at most.
    """
    yield HEADER
    pages = request.build_absolute_uri(reverse("incidents:list"))
    incidents = queryset.values(*INCIDENT_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(incidents, CHUNK_SIZE)):
        evidence = evidence_by_incident([values["id"] for values in chunk])
        for values in chunk:
            row = Row(
                values,
                evidence.get(values["id"], []),
                f"{pages}{values['id']}-{values['slug'] or 'incident'}/",
            )
            yield [cell(column.value(row)) for column in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream(lines: Iterable[list[str]]) -> Iterator[str]:
    """CSV text in pieces of LINES_PER_WRITE rows: one socket write per piece rather than per
    row (a write per row cost the WSGI server a system call and Django a conversion each)."""
    writer = csv.writer(_Echo())
    batch: list[str] = []
    for line in lines:
        batch.append(writer.writerow(line))
        if len(batch) == LINES_PER_WRITE:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def stream_sql_lines(lines: Iterable[str]) -> Iterator[str]:
    """The header, then lines formatted by PostgreSQL (exportsql.py), in the same pieces."""
    yield csv.writer(_Echo()).writerow(HEADER)
    lines = iter(lines)
    while batch := list(islice(lines, LINES_PER_WRITE)):
        yield "\r\n".join(batch) + "\r\n"


def csv_text(queryset: QuerySet, request: HttpRequest) -> Iterator[str]:
    if exportsql.supports(HEADER, queryset):
        pages = request.build_absolute_uri(reverse("incidents:list"))
        return stream_sql_lines(exportsql.lines(queryset, HEADER, pages, CHUNK_SIZE))
    return stream(rows(queryset, request))


def export_csv(request: HttpRequest) -> HttpResponse:
    filterset = IncidentFilter(request.GET)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
        )
        return HttpResponse(
            _("Invalid filter value. %(problems)s") % {"problems": problems} + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = StreamingHttpResponse(
        csv_text(filterset.qs, request), content_type="text/csv; charset=utf-8"
    )
    name = f"ice-incidents-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
