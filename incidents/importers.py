"""Importers for incident files, CSV or JSON, on the shared import framework.

Three layouts, chosen by their columns (see `importer_for_columns`):

- the general layout (`IncidentImporter`): one column per incident field plus the source;
- `data/incidents/deaths-in-custody.csv` (`DeathsInCustodyImporter`);
- `data/incidents/other-incidents.csv` (`OtherIncidentsImporter`).

A JSON file is an array of objects whose keys are the same column names.

The natural key of an incident is its first source's URL plus the incident date. Every row is
validated like an admin form (model full_clean, so the privacy rules apply) while the file is
parsed, and any error is reported by line and column with nothing written. Each incident gets
its source as primary evidence. Re-importing changes nothing unless the file changed; an
incident an editor has changed in the admin since it was imported is never overwritten (a
data-quality warning says so), and publishing state is only set when an incident is created.
"""

import csv
import datetime
import io
import json
import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery

from icetracker.geography import STATE_CODES
from icetracker.pagecache import bump
from imports.csvfile import FileFormatError, Row, _decode
from imports.models import ImportRun
from imports.runner import Counts, Importer, Parsed
from incidents.models import (
    CreatedBy,
    Evidence,
    EvidenceType,
    Incident,
    IncidentType,
    Outcome,
    Verification,
)

STATES = sorted(STATE_CODES)
OFFICIAL_ICE_SOURCE = re.compile(
    r"\bICE\b[^()]*?\b(?:death report|news release|press release|releases?)\b", re.IGNORECASE
)
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
DATE_IN_NAME = re.compile(rf"\b({MONTHS})[a-z]*\.? (\d{{1,2}}), (\d{{4}})\b")
DATE_IN_URL = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|$|-)")
PARENTHESES = re.compile(r"\s*\([^)]*\)")


@dataclass
class IncidentRecord:
    incident: dict[str, Any]
    evidence: dict[str, Any]
    public: bool

    @property
    def key(self) -> tuple[str, datetime.date]:
        return (self.evidence["url"], self.incident["incident_date"])


# --- helpers shared by the layouts ---------------------------------------------------------


def is_official_ice_source(source_name: str, url: str) -> bool:
    """An ICE detainee death report or an ICE news/press release (the rule for 'verified')."""
    host = (urlsplit(url).hostname or "").lower()
    return (
        host == "ice.gov"
        or host.endswith(".ice.gov")
        or bool(OFFICIAL_ICE_SOURCE.search(source_name))
    )


def evidence_type_for(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return EvidenceType.GOVERNMENT_REPORT if host.endswith(".gov") else EvidenceType.NEWS_ARTICLE


def source_date(source_name: str, url: str) -> datetime.date | None:
    """The publication date when the source name ("(Oct 9, 2025)") or the URL carries one."""
    match = DATE_IN_NAME.search(source_name)
    try:
        if match:
            month = match.group(1)[:3]
            text = f"{month} {match.group(2)} {match.group(3)}"
            return datetime.datetime.strptime(text, "%b %d %Y").date()  # noqa: DTZ007
        match = DATE_IN_URL.search(urlsplit(url).path)
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return None


def verification_for(source_name: str, url: str) -> str:
    """Verified when the source is an official ICE record, else reported."""
    if is_official_ice_source(source_name, url):
        return Verification.VERIFIED
    return Verification.REPORTED


def primary_evidence(source_name: str, url: str) -> dict:
    """The row's own source, as the incident's primary evidence."""
    return {
        "url": url,
        "source_name": source_name,
        "evidence_type": evidence_type_for(url),
        "title": "",
        "captured_date": source_date(source_name, url),
    }


def without_parentheses(text: str) -> str:
    return PARENTHESES.sub("", text).strip()


def parse_time(row: Row, column: str) -> datetime.time | None:
    value = row.raw(column)
    if not value:
        return None
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.datetime.strptime(value, fmt).time()  # noqa: DTZ007
        except ValueError:
            continue
    row.error(column, "not a time in the form HH:MM", value)
    return None


def _json_cell(value: Any, line: int, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise FileFormatError(f"the value of {key!r} must be text, a number or true/false", line=line)


def read_json(data: bytes, columns: list[str], required: set[str]) -> Iterator[Row]:
    """Rows from a JSON array of objects, each with the line its object starts on."""
    text = _decode(data)
    decoder = json.JSONDecoder()

    def skip(position: int) -> int:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        return position

    def line_of(position: int) -> int:
        return text.count("\n", 0, position) + 1

    position = skip(0)
    if position >= len(text) or text[position] != "[":
        raise FileFormatError("a JSON file must be an array of objects", line=line_of(position))
    position = skip(position + 1)
    if position < len(text) and text[position] == "]":
        raise FileFormatError("the JSON array is empty", line=line_of(position))
    while True:
        line = line_of(position)
        try:
            record, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno
            ) from exc
        if not isinstance(record, dict):
            raise FileFormatError("each item of the array must be an object", line=line)
        unknown = sorted(set(record) - set(columns))
        if unknown:
            raise FileFormatError(
                "unexpected key(s): " + ", ".join(unknown) + "; expected " + ", ".join(columns),
                line=line,
            )
        missing = sorted(required - set(record))
        if missing:
            raise FileFormatError("missing required key(s): " + ", ".join(missing), line=line)
        yield Row(
            line, {key: _json_cell(value, line, key) for key, value in record.items()}, columns
        )
        position = skip(position)
        if position < len(text) and text[position] == ",":
            position = skip(position + 1)
            continue
        if position < len(text) and text[position] == "]":
            break
        raise FileFormatError("expected ',' or ']' after an object", line=line_of(position))
    if skip(position + 1) != len(text):
        raise FileFormatError("unexpected text after the JSON array", line=line_of(position + 1))


def is_json(data: bytes) -> bool:
    return data.lstrip()[:1] == b"["


# --- the general layout --------------------------------------------------------------------


class IncidentImporter(Importer):
    """One row per incident, with the fields of the spec and its first source."""

    importer = "incidents.incidents"
    source_name = "Incident file"
    required_columns: ClassVar[tuple[str, ...]] = (
        "headline",
        "summary",
        "incident_type",
        "incident_date",
        "source_url",
        "source_name",
    )
    optional_columns: ClassVar[tuple[str, ...]] = (
        "incident_time",
        "city",
        "state",
        "location_detail",
        "is_sanctuary_city",
        "victim_name",
        "victim_age",
        "victim_is_citizen",
        "victim_count",
        "agent_name",
        "outcome",
        "outcome_date",
        "outcome_notes",
        "verification_status",
        "why_it_matters",
        "spicy_summary",
        "corrections_note",
        "source_type",
        "source_title",
        "source_date",
        "is_public",
    )
    # Model field -> file column, so that validation errors point at the right column.
    field_columns: ClassVar[dict[str, str]] = {
        "url": "source_url",
        "evidence_type": "source_type",
        "title": "source_title",
        "captured_date": "source_date",
        "verification_status": "verification_status",
    }

    def __init__(self) -> None:
        self._existing: dict[tuple, tuple[Incident, bool]] | None = None

    # reading and parsing

    def read(self, data: bytes) -> Iterator[Row]:
        if is_json(data):
            columns = [*self.required_columns, *self.optional_columns]
            return read_json(data, columns, set(self.required_columns))
        return super().read(data)

    def parse(self, row: Row) -> IncidentRecord | None:
        record = self.build(row)
        if row.errors or record is None:
            return None
        self.validate(row, record)
        return record

    def build(self, row: Row) -> IncidentRecord | None:
        incident = {
            "headline": row.text("headline", required=True, max_length=300),
            "summary": row.text("summary", required=True),
            "incident_type": row.choice("incident_type", IncidentType.values, required=True),
            "incident_date": row.date("incident_date", required=True),
            "incident_time": parse_time(row, "incident_time"),
            "city": row.text("city", max_length=120),
            "state": row.choice("state", STATES) or "",
            "location_detail": row.text("location_detail", max_length=300),
            "is_sanctuary_city": bool(row.boolean("is_sanctuary_city")),
            "victim_name": row.text("victim_name", max_length=200),
            "victim_age": row.integer("victim_age", minimum=0),
            "victim_is_citizen": row.boolean("victim_is_citizen"),
            "victim_count": row.integer("victim_count", minimum=1) or 1,
            "agent_name": row.text("agent_name", max_length=200),
            "outcome": row.choice("outcome", Outcome.values) or Outcome.UNKNOWN,
            "outcome_date": row.date("outcome_date"),
            "outcome_notes": row.text("outcome_notes"),
            "verification_status": row.choice("verification_status", Verification.values)
            or Verification.REPORTED,
            "why_it_matters": row.text("why_it_matters"),
            "spicy_summary": row.text("spicy_summary"),
            "corrections_note": row.text("corrections_note"),
        }
        url = row.url("source_url", required=True)
        name = row.text("source_name", required=True, max_length=200)
        evidence = {
            "url": url,
            "source_name": name,
            "evidence_type": row.choice("source_type", EvidenceType.values)
            or evidence_type_for(url),
            "title": row.text("source_title", max_length=500),
            "captured_date": row.date("source_date") or source_date(name, url),
        }
        return IncidentRecord(incident, evidence, public=bool(row.boolean("is_public")))

    def column_for(self, row: Row, field: str) -> str | None:
        column = self.field_columns.get(field, field)
        return column if column in row.columns else None

    def validate(self, row: Row, record: IncidentRecord) -> None:
        """The model's own validation (privacy rules, constraints), reported per column."""
        checks = [
            (Incident(**record.incident, is_public=record.public), ["slug"], record.incident),
            (Evidence(**record.evidence, is_primary=True), ["incident"], record.evidence),
        ]
        for instance, exclude, values in checks:
            try:
                instance.full_clean(exclude=exclude, validate_unique=False)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    value = values.get(field)
                    row.error(
                        self.column_for(row, field),
                        f"{field}: " + " ".join(messages),
                        None if value is None else str(value)[:80],
                    )

    def key(self, record: IncidentRecord) -> Hashable:
        return record.key

    def describe_key(self, key: Hashable) -> str:
        url, day = key
        return f"(source {url}, date {day})"

    # writing

    def existing(self, records: list[IncidentRecord]) -> dict[tuple, tuple[Incident, bool]]:
        """Incidents already stored, by natural key, and whether an editor changed them since."""
        history = Incident.history.model.objects.filter(id=OuterRef("incident_id")).order_by(
            "-history_date", "-history_id"
        )
        urls = {record.key[0] for record in records}
        found: dict[tuple, tuple[Incident, bool]] = {}
        evidence = (
            Evidence.objects.filter(url__in=urls)
            .select_related("incident")
            .annotate(last_editor=Subquery(history.values("history_user")[:1]))
            .order_by("-is_primary", "id")
        )
        for item in evidence:
            key = (item.url, item.incident.incident_date)
            found.setdefault(key, (item.incident, item.last_editor is not None))
        return found

    def check(self, parsed: list[Parsed]) -> list[str]:
        self._existing = self.existing([p.record for p in parsed])
        return [
            f"line {p.line}: incident {incident.pk} was edited in the admin after it was "
            "imported, so this row does not overwrite it"
            for p in parsed
            if (match := self._existing.get(p.record.key)) and (incident := match[0]) and match[1]
        ]

    def write(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        records = [p.record for p in parsed]
        existing = self._existing if self._existing is not None else self.existing(records)
        counts = Counts()
        reason = f"import run {run.pk}"
        for record in records:
            match = existing.get(record.key)
            if match is None:
                self.create(record, reason)
                counts.created += 1
            elif not match[1] and self.update(match[0], record, reason):
                counts.updated += 1
            else:
                counts.unchanged += 1
        if counts.created or counts.updated:
            bump("incidents")
        return counts

    def create(self, record: IncidentRecord, reason: str) -> Incident:
        incident = Incident(
            **record.incident, is_public=record.public, created_by=CreatedBy.DATA_IMPORT
        )
        incident._change_reason = reason
        incident.save()
        evidence = Evidence(incident=incident, is_primary=True, **record.evidence)
        evidence._change_reason = reason
        evidence.save()
        return incident

    def update(self, incident: Incident, record: IncidentRecord, reason: str) -> bool:
        evidence = incident.evidence.filter(url=record.evidence["url"]).first()
        if evidence is None:  # matched through another evidence row's URL
            evidence = Evidence(
                incident=incident, is_primary=not incident.evidence.filter(is_primary=True).exists()
            )
        changed = _assign(incident, record.incident)
        changed_evidence = _assign(evidence, record.evidence) or evidence.pk is None
        if changed:
            incident._change_reason = reason
            incident.save()
        if changed_evidence:
            evidence._change_reason = reason
            evidence.save()
        return changed or changed_evidence


def _assign(instance: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


# --- data/incidents/deaths-in-custody.csv --------------------------------------------------


class DeathsInCustodyImporter(IncidentImporter):
    """Deaths in ICE custody: type death_detention, outcome died on the day of death."""

    importer = "incidents.deaths_in_custody"
    source_name = "Deaths in ICE custody (ICE detainee death reports, ICE releases, news reports)"
    source_url = "https://www.ice.gov/detain/detainee-death-reporting"
    required_columns = (
        "incident_date",
        "victim_name",
        "victim_age",
        "nationality",
        "facility",
        "city",
        "state",
        "summary",
        "source_name",
        "source_url",
    )
    optional_columns = ()
    field_columns: ClassVar[dict[str, str]] = {
        **IncidentImporter.field_columns,
        "location_detail": "facility",
        "headline": "victim_name",
        "victim_age": "victim_age",
    }

    def build(self, row: Row) -> IncidentRecord | None:
        day = row.date("incident_date", required=True)
        name = row.text("victim_name", required=True, max_length=200)
        age = row.integer("victim_age", minimum=0)
        nationality = row.text("nationality")
        facility = row.text("facility", required=True, max_length=300)
        summary = row.text("summary", required=True)
        url = row.url("source_url", required=True)
        source = row.text("source_name", required=True, max_length=200)
        headline = ", ".join(
            part
            for part in (without_parentheses(name), age and str(age), without_parentheses(facility))
            if part
        )
        incident = {
            "headline": f"Death in ICE custody: {headline}",
            "summary": f"{summary} Nationality: {nationality}." if nationality else summary,
            "incident_type": IncidentType.DEATH_DETENTION,
            "incident_date": day,
            "city": row.text("city", max_length=120),
            "state": row.choice("state", STATES, required=True) or "",
            "location_detail": facility,
            "victim_name": name,
            "victim_age": age,
            # ICE reports the country of citizenship; a US citizen would not be in this list.
            "victim_is_citizen": (nationality.lower() in ("united states", "usa", "us"))
            if nationality
            else None,
            "outcome": Outcome.DIED,
            "outcome_date": day,
            "verification_status": verification_for(source, url),
        }
        return IncidentRecord(incident, primary_evidence(source, url), public=True)


# --- data/incidents/other-incidents.csv ----------------------------------------------------

# The file's free-form types, mapped onto the spec's enum (documented in data/incidents/README.md).
OTHER_TYPES = {
    "us_citizen_detained": IncidentType.CITIZEN_DETAINED,
    "us_citizen_arrested": IncidentType.CITIZEN_DETAINED,
    "us_citizen_shot": IncidentType.AGENT_VIOLENCE,
    "us_citizen_killed": IncidentType.ICE_KILLING,
    "death_during_enforcement": None,  # decided from the summary: vehicle or shooting
}
HEADLINES = {
    "us_citizen_detained": "US citizen {who} detained by immigration agents in {place}",
    "us_citizen_arrested": "US citizen {who} arrested by immigration agents in {place}",
    "us_citizen_shot": "US citizen {who} shot by an immigration agent in {place}",
    "us_citizen_killed": "US citizen {who} killed during an immigration enforcement operation in "
    "{place}",
    "death_during_enforcement": "{who} died during an immigration enforcement action in {place}",
}
DEFAULT_OUTCOMES = {"us_citizen_killed": Outcome.DIED, "death_during_enforcement": Outcome.DIED}
STRUCK_BY_VEHICLE = re.compile(
    r"\b(?:struck|hit|run over)\b.{0,40}\b(?:vehicle|car|truck|pickup|suv|van)\b"
    r"|\b(?:vehicle|car|truck|pickup|suv|van)\b.{0,20}\b(?:struck|hit)\b",
    re.IGNORECASE,
)
SHOT = re.compile(r"\bshot\b|\bshooting\b|\bgunfire\b", re.IGNORECASE)
AGGREGATE = "aggregate_report"


def death_during_enforcement_type(summary: str) -> str | None:
    if STRUCK_BY_VEHICLE.search(summary):
        return IncidentType.VEHICLE_INCIDENT
    if SHOT.search(summary):
        return IncidentType.ICE_KILLING
    return None


def citizenship(status: str) -> bool | None:
    if re.match(r"u\.?s\.? citizen", status, re.IGNORECASE):
        return True
    if re.search(r"\bnational\b|\bnon-?citizen\b|\bundocumented\b", status, re.IGNORECASE):
        return False
    return None


class OtherIncidentsImporter(IncidentImporter):
    """US citizens detained, people shot or killed during enforcement (news-reported)."""

    importer = "incidents.other_incidents"
    source_name = "Other incidents (news reports compiled for the tracker)"
    required_columns = (
        "incident_date",
        "incident_type",
        "person_name",
        "person_age",
        "citizenship_status",
        "city",
        "state",
        "summary",
        "source_name",
        "source_url",
    )
    optional_columns = ("outcome", "outcome_notes")
    field_columns: ClassVar[dict[str, str]] = {
        **IncidentImporter.field_columns,
        "victim_name": "person_name",
        "victim_age": "person_age",
        "victim_is_citizen": "citizenship_status",
        "headline": "person_name",
    }

    def build(self, row: Row) -> IncidentRecord | None:
        kind = row.raw("incident_type")
        if kind == AGGREGATE:
            row.error(
                "incident_type",
                "an aggregate report is not an incident; add it to the statistics "
                "(data/stats/) with its source instead",
                kind,
            )
            return None
        kind = row.choice("incident_type", list(OTHER_TYPES), required=True)
        day = row.date("incident_date", required=True)
        name = row.text("person_name", required=True, max_length=200)
        age = row.integer("person_age", minimum=0)
        status = row.text("citizenship_status")
        city = row.text("city", max_length=120)
        state = row.choice("state", STATES, required=True) or ""
        summary = row.text("summary", required=True)
        url = row.url("source_url", required=True)
        source = row.text("source_name", required=True, max_length=200)
        if kind is None:
            return None
        incident_type = OTHER_TYPES[kind] or death_during_enforcement_type(summary)
        if incident_type is None:
            row.error(
                "incident_type",
                "cannot tell from the summary whether a vehicle or a shooting caused the death; "
                "use the general layout with an explicit incident_type",
                kind,
            )
            return None
        who = without_parentheses(name) + (f", {age}," if age is not None else "")
        place = ", ".join(part for part in (city, state) if part)
        incident = {
            "headline": HEADLINES[kind].format(who=who, place=place),
            "summary": f"{summary} Citizenship as reported: {status}." if status else summary,
            "incident_type": incident_type,
            "incident_date": day,
            "city": city,
            "state": state,
            "victim_name": name,
            "victim_age": age,
            "victim_is_citizen": citizenship(status),
            "outcome": row.choice("outcome", Outcome.values)
            or DEFAULT_OUTCOMES.get(kind, Outcome.UNKNOWN),
            "outcome_notes": row.text("outcome_notes"),
            "verification_status": verification_for(source, url),
        }
        return IncidentRecord(incident, primary_evidence(source, url), public=True)


LAYOUTS: list[tuple[set[str], type[IncidentImporter]]] = [
    ({"facility", "nationality"}, DeathsInCustodyImporter),
    ({"person_name", "citizenship_status"}, OtherIncidentsImporter),
]


def columns_of(data: bytes) -> set[str]:
    """The column names of a CSV header or of a JSON file's first object (empty if unreadable)."""
    try:
        if is_json(data):
            first = json.loads(data.decode("utf-8"))[0]
            return set(first) if isinstance(first, dict) else set()
        header = next(csv.reader(io.StringIO(data.decode("utf-8"))), [])
        return {cell.strip() for cell in header}
    except (ValueError, IndexError, csv.Error, UnicodeDecodeError):
        return set()


def importer_for_columns(columns: set[str]) -> IncidentImporter:
    for marker, importer_class in LAYOUTS:
        if marker <= columns:
            return importer_class()
    return IncidentImporter()
