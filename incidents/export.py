"""`/incidents/export.csv`: every published incident matching the filters, one row each.

The response is streamed: rows are read with a server-side cursor in chunks (evidence is
prefetched per chunk), so memory stays flat whatever the number of rows. The column order is
stable and documented on /about/data/; new columns are only ever added at the end.

A cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage
return) gets a leading apostrophe.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.filters import IncidentFilter
from incidents.models import Evidence, Incident

CHUNK_SIZE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
URL_SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    name: str
    description: Any
    value: Callable[[Incident, HttpRequest], Any]


def _primary(incident: Incident) -> Evidence | None:
    evidence = incident.evidence.all()
    return next((e for e in evidence if e.is_primary), evidence[0] if evidence else None)


def _field(name: str) -> Callable[[Incident, HttpRequest], Any]:
    return lambda incident, request: getattr(incident, name)


COLUMNS = [
    Column("id", _("Permanent number of the incident."), _field("id")),
    Column(
        "url",
        _("Address of the incident's page."),
        lambda i, request: request.build_absolute_uri(i.get_absolute_url()),
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
    Column("evidence_count", _("Number of evidence links."), _field("evidence_count")),
    Column(
        "has_video",
        _("true if there is a video that has not been taken down."),
        _field("has_video"),
    ),
    Column(
        "primary_source_name",
        _("Who published the main source."),
        lambda i, request: (p := _primary(i)) and p.source_name,
    ),
    Column(
        "primary_source_url",
        _("Address of the main source."),
        lambda i, request: (p := _primary(i)) and p.url,
    ),
    Column(
        "evidence_urls",
        _("Every evidence address, main source first, separated by ' | '."),
        lambda i, request: URL_SEPARATOR.join(e.url for e in i.evidence.all()),
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
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_queryset(filterset: IncidentFilter) -> QuerySet:
    evidence = Evidence.objects.order_by("-is_primary", "captured_date", "id").only(
        "id", "incident_id", "url", "source_name", "is_primary"
    )
    return filterset.qs.with_evidence_stats().prefetch_related(Prefetch("evidence", evidence))


def rows(queryset: QuerySet, request: HttpRequest) -> Iterator[list[str]]:
    yield HEADER
    for incident in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [cell(column.value(incident, request)) for column in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream(lines: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for line in lines:
        yield writer.writerow(line)


def export_csv(request: HttpRequest) -> HttpResponse:
    filterset = IncidentFilter(request.GET)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
        )
        return HttpResponse(
            f"Invalid filter value. {problems}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = StreamingHttpResponse(
        stream(rows(export_queryset(filterset), request)), content_type="text/csv; charset=utf-8"
    )
    name = f"ice-incidents-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
