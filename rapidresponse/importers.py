"""Importers for the rapid-response directory (networks.csv) and the national resources file.

Both run on the shared framework (imports.runner): every bad cell is reported by line, column and
value, a bad row writes nothing, and a second run changes nothing. Phone numbers are stored
exactly as published: never completed, reformatted or guessed.

Entries an editor changed in the admin after their last import are not overwritten by the file
(a warning names them), so re-running `make run` never undoes a correction; `--overwrite` makes
the file win.
"""

import re
from collections.abc import Hashable
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from icetracker.pagecache import bump
from imports.csvfile import Row
from imports.models import ImportRun
from imports.runner import Counts, Importer, Parsed, upsert
from rapidresponse.languages import parse_languages
from rapidresponse.models import (
    NETWORK_STATE_CODES,
    DatePrecision,
    NationalResource,
    RapidResponseNetwork,
    ResourceKind,
)
from rapidresponse.phones import dial_numbers

SEEN_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
BARE_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/\S*)?$", re.I)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IMPORT_REASON_PREFIX = "import"


def parse_seen_date(row: Row, column: str) -> tuple[date | None, str]:
    """A date at the precision published: "2019-07-14", "2025-10" (a month) or "2025" (a year).

    A month or a year is stored as its first day with its precision, so no day is invented.
    """
    value = row.raw(column)
    if not value:
        return None, ""
    match = SEEN_DATE.match(value)
    try:
        if not match:
            raise ValueError
        year, month, day = (int(match.group(g) or 1) for g in ("year", "month", "day"))
        if match.group("day"):
            precision, parsed = DatePrecision.DAY, date(year, month, day)
        elif match.group("month"):
            precision, parsed = DatePrecision.MONTH, date(year, month, 1)
        else:
            precision, parsed = DatePrecision.YEAR, date(year, 1, 1)
    except ValueError:
        row.error(column, "not a date in the form YYYY-MM-DD, YYYY-MM or YYYY", value)
        return None, ""
    if parsed > timezone.localdate():
        row.error(column, "is in the future", value)
        return None, ""
    return parsed, precision.value


def parse_web_address(row: Row, column: str, warnings: list[str]) -> str:
    """An http(s) URL. A bare host name as published ("example.org") gets https://, with a
    warning; anything else is an error."""
    value = row.raw(column)
    if value and "://" not in value and BARE_HOST.match(value):
        fixed = "https://" + value
        warnings.append(
            f"line {row.line}, column {column!r}: {value!r} has no scheme; stored as {fixed}"
        )
        return fixed
    return row.url(column)


def parse_source(row: Row, column: str = "source_url") -> dict[str, str]:
    """The source is a URL where there is one, otherwise a description of how it was found."""
    value = row.text(column, required=True, max_length=500)
    parts = urlsplit(value)
    if parts.scheme in {"http", "https"} and parts.netloc and " " not in value:
        return {"source_url": value, "source_note": ""}
    return {"source_url": "", "source_note": value}


def latest_change_reasons(model: type[models.Model], objects: models.QuerySet) -> dict[int, str]:
    """For each object with history, the change reason of its latest history row ("" if none)."""
    history = model.history.model.objects.filter(id=OuterRef("pk")).order_by(
        "-history_date", "-history_id"
    )
    rows = objects.annotate(
        last_type=Subquery(history.values("history_type")[:1]),
        last_reason=Subquery(history.values("history_change_reason")[:1]),
    ).values_list("pk", "last_type", "last_reason")
    return {pk: reason or "" for pk, kind, reason in rows if kind is not None}


class DirectoryImporter(Importer):
    """Shared behaviour: warnings gathered while parsing, admin edits kept, pages refreshed."""

    model: ClassVar[type[models.Model]]
    key_fields: ClassVar[tuple[str, ...]]

    def __init__(self, *, overwrite: bool = False) -> None:
        self.overwrite = overwrite
        self.parse_warnings: list[str] = []
        self.kept: set[Hashable] = set()

    def key(self, record: dict[str, Any]) -> Hashable:
        return tuple(record[name] for name in self.key_fields)

    def describe_key(self, key: Hashable) -> str:
        return " / ".join(map(str, key))

    def check(self, parsed: list[Parsed]) -> list[str]:
        warnings = [*self.parse_warnings, *self.record_warnings(parsed)]
        if not self.overwrite:
            warnings.extend(self._find_admin_edits(parsed))
        return warnings

    def record_warnings(self, parsed: list[Parsed]) -> list[str]:
        return []

    def _find_admin_edits(self, parsed: list[Parsed]) -> list[str]:
        existing = {
            self.key(vars_of(obj, self.key_fields)): obj for obj in self.model.objects.all()
        }
        reasons = latest_change_reasons(self.model, self.model.objects.all())
        warnings = []
        for item in parsed:
            key = self.key(item.record)
            obj = existing.get(key)
            if obj is None or obj.pk not in reasons:
                continue
            if reasons[obj.pk].startswith(IMPORT_REASON_PREFIX):
                continue
            self.kept.add(key)
            differing = [name for name, value in item.record.items() if getattr(obj, name) != value]
            if differing:
                warnings.append(
                    f"line {item.line}: {self.describe_key(key)} was edited in the admin after "
                    f"its last import; kept the admin version (the file differs in "
                    f"{', '.join(differing)}; use --overwrite to replace it)"
                )
        return warnings

    def write(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        records = [item.record for item in parsed if self.key(item.record) not in self.kept]
        counts = upsert(self.model, records, key_fields=self.key_fields, run=run)
        counts.unchanged += len(parsed) - len(records)
        # After commit only: a dry run rolls back and leaves cached pages alone.
        transaction.on_commit(lambda: bump("rapidresponse"))
        return counts


def vars_of(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


class NetworkImporter(DirectoryImporter):
    """data/rapidresponse/networks.csv: one row per hotline or organisation."""

    importer = "rapidresponse.networks"
    source_name = "Rapid-response directory (compiled from public sources)"
    required_columns = (
        "state",
        "region",
        "organization_name",
        "hotline_phone",
        "hotline_hours",
        "website_url",
        "provides_rapid_response",
        "provides_legal_aid",
        "provides_know_your_rights",
        "languages",
        "source_url",
        "source_seen_date",
    )
    optional_columns = ("email", "notes", "is_active")
    model = RapidResponseNetwork
    key_fields = ("state", "organization_name")

    def parse(self, row: Row) -> dict[str, Any]:
        state = row.raw("state").upper()
        if state not in NETWORK_STATE_CODES:
            row.error("state", "not a US state, DC or territory code, nor US (national)", state)
        languages, languages_note = parse_languages(row.text("languages"))
        if len(languages_note) > 300:
            row.error("languages", "longer than 300 characters", languages_note[:40] + "…")
        last_verified, precision = parse_seen_date(row, "source_seen_date")
        record = {
            "state": state,
            "region": row.text("region", max_length=200),
            "organization_name": row.text("organization_name", required=True, max_length=300),
            "hotline_phone": self._phone(row),
            "hotline_hours": row.text("hotline_hours", max_length=200),
            "website_url": parse_web_address(row, "website_url", self.parse_warnings),
            "provides_rapid_response": row.boolean("provides_rapid_response", required=True),
            "provides_legal_aid": row.boolean("provides_legal_aid", required=True),
            "provides_know_your_rights": row.boolean("provides_know_your_rights", required=True),
            "languages": languages,
            "languages_note": languages_note,
            **parse_source(row),
            "last_verified": last_verified,
            "last_verified_precision": precision,
        }
        if "email" in row.columns:
            record["email"] = self._email(row)
        if "notes" in row.columns:
            record["notes"] = row.text("notes")
        if "is_active" in row.columns:
            record["is_active"] = row.boolean("is_active", required=True)
        return record

    def _phone(self, row: Row) -> str:
        """The number exactly as published (outer spaces aside)."""
        value = row.text("hotline_phone", max_length=100)
        if value and not any(char.isalnum() for char in value):
            row.error("hotline_phone", "has no digits or letters", value)
        return value

    def _email(self, row: Row) -> str:
        value = row.text("email", max_length=254)
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            row.error("email", "not an email address", value)
        return value

    def record_warnings(self, parsed: list[Parsed]) -> list[str]:
        warnings = []
        for item in parsed:
            record, name = item.record, item.record["organization_name"]
            if record["hotline_phone"] and not dial_numbers(record["hotline_phone"]):
                warnings.append(
                    f"line {item.line}: {name}: no complete number in "
                    f"{record['hotline_phone']!r}; shown as text without a call link"
                )
            if not record["hotline_phone"] and not record["website_url"]:
                warnings.append(
                    f"line {item.line}: {name}: neither a phone number nor a website; "
                    "the page can only show its source"
                )
        return warnings


class NationalResourceImporter(DirectoryImporter):
    """data/rapidresponse/national_resources.csv: know-your-rights cards, detainee locator, …"""

    importer = "rapidresponse.national_resources"
    source_name = "National resources for the rapid-response page (compiled from public sources)"
    required_columns = (
        "key",
        "kind",
        "title",
        "url",
        "phone",
        "description",
        "source_url",
        "source_seen_date",
    )
    optional_columns = ("sort_order", "is_active")
    model = NationalResource
    key_fields = ("key",)

    def parse(self, row: Row) -> dict[str, Any]:
        key = row.text("key", required=True, max_length=60)
        if key and not SLUG.match(key):
            row.error("key", "use lower-case letters, digits and hyphens only", key)
        last_verified, precision = parse_seen_date(row, "source_seen_date")
        record = {
            "key": key,
            "kind": row.choice("kind", ResourceKind.values, required=True),
            "title": row.text("title", required=True, max_length=200),
            "url": parse_web_address(row, "url", self.parse_warnings),
            "phone": row.text("phone", max_length=100),
            "description": row.text("description"),
            **parse_source(row),
            "last_verified": last_verified,
            "last_verified_precision": precision,
        }
        if not record["url"] and not record["phone"] and not row.errors:
            row.error("url", "a resource needs a URL or a phone number", "")
        if "sort_order" in row.columns:
            record["sort_order"] = row.integer("sort_order", required=True, minimum=0)
        if "is_active" in row.columns:
            record["is_active"] = row.boolean("is_active", required=True)
        return record
