"""Importers for official statistics (see imports/runner.py for the contract they follow).

- ICE detention statistics, as tidy CSVs from the Deportation Data Project: one importer per
  file kind, chosen by file name (`importer_for_detention_file`).
- `annual-figures.csv`: curated figures in long format, one figure per line.
- Any CSV in the spec's `ice_stats` format.

Every importer reports data-quality problems as warnings: detention releases that are suspect
are stored flagged (see stats/quality.py), conflicting figures are reported, nothing is merged
silently.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Hashable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.db import models, transaction
from django.db.models import Q
from django.utils.text import slugify

from icetracker.pagecache import bump
from imports.csvfile import Row
from imports.models import ImportRun
from imports.runner import Counts, Importer, Parsed, upsert
from stats.bulk import fast_upsert
from stats.fiscal import (
    Administration,
    FiscalYear,
    administration_of,
    administrations_between,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
)
from stats.models import (
    ICE_DETENTION_SOURCE,
    ICE_DETENTION_URL,
    REPEATED_LISTING,
    Agency,
    BookIns,
    Criminality,
    DetainedByCriminality,
    DetentionFacility,
    FacilityPopulation,
    IceStat,
    MonthlyPopulation,
    PeriodType,
    RemovalsToDate,
    StayLength,
)
from stats.quality import Release, ReleaseContent, find_problems

RELEASE_COLUMNS = ("fiscal_year", "file_date", "pull_date")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


def bump_after_commit(counts: Counts) -> Counts:
    """Invalidate cached statistics pages once the import commits (never for a dry run)."""
    if counts.created or counts.updated:
        transaction.on_commit(lambda: bump("stats"))
    return counts


CRIMINALITIES = tuple(Criminality.values)
_DATES: dict[str, date] = {}


def _date(row: Row, column: str, *, required: bool = True) -> date | None:
    """row.date() with a cache of the texts already parsed (dates repeat on every row)."""
    raw = row.raw(column)
    if raw in _DATES:
        return _DATES[raw]
    value = row.date(column, required=required)
    if value is not None:
        _DATES[raw] = value
    return value


PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
PLAIN_COUNT = re.compile(r"(\d+)(?:\.0+)?")


def _amount(row: Row, column: str) -> float | None:
    """A non-negative number. Plain decimals (nearly every cell) are read directly, anything
    else goes through row.number(), which reports the problem by line and column."""
    text = row.cells.get(column) or ""
    if PLAIN_NUMBER.fullmatch(text):
        return float(text)
    return row.number(column, minimum=0)


def _count(row: Row, column: str, *, required: bool = False) -> int | None:
    """A non-negative whole number ("18881" or "18881.0"), like _amount."""
    found = PLAIN_COUNT.fullmatch(row.cells.get(column) or "")
    if found:
        return int(found.group(1))
    return row.integer(column, required=required, minimum=0)


def _fiscal_year(row: Row, column: str = "fiscal_year", *, required: bool = True) -> int | None:
    value = row.integer(column, required=required)
    if value is not None and not EARLIEST_YEAR <= value <= LATEST_YEAR:
        row.error(
            column, f"not a plausible fiscal year ({EARLIEST_YEAR}-{LATEST_YEAR})", str(value)
        )
        return None
    return value


# --- ICE detention statistics ---------------------------------------------------------------


class DetentionImporter(Importer):
    """Shared by every detention-statistics file: release columns, checks, flagged writing."""

    source_name = ICE_DETENTION_SOURCE
    source_url = ICE_DETENTION_URL
    model: ClassVar[type[models.Model]]
    row_key_fields: ClassVar[tuple[str, ...]]

    def __init__(self) -> None:
        self._problems: dict[int, dict[Release, list[str]]] = {}
        self._releases: dict[tuple, Release] = {}

    def parse(self, row: Row) -> dict[str, Any] | None:
        release = self._release(row)
        values = self.parse_values(row)
        if row.errors:
            return None
        return {"release": release, **values}

    def _release(self, row: Row) -> Release | None:
        """The release columns repeat on every row: each distinct triple is parsed once."""
        raw = tuple(row.cells.get(column) for column in RELEASE_COLUMNS)
        if raw in self._releases:
            return self._releases[raw]
        fiscal_year = _fiscal_year(row)
        file_date = _date(row, "file_date")
        pull_date = _date(row, "pull_date")
        if row.errors:
            return None
        release = self._releases[raw] = Release(fiscal_year, file_date, pull_date)
        return release

    def parse_values(self, row: Row) -> dict[str, Any]:
        raise NotImplementedError

    def key(self, record: dict[str, Any]) -> Hashable:
        return (record["release"], *(record[name] for name in self.row_key_fields))

    def describe_key(self, key: Hashable) -> str:
        release, *rest = key
        return f"{release} / " + " / ".join(str(part) for part in rest) if rest else str(release)

    # Data quality -------------------------------------------------------------------------

    def signature(self, records: list[dict[str, Any]]) -> Hashable:
        """All values of one release, in a form that compares equal across releases."""
        fields = [name for name in records[0] if name != "release"]
        return tuple(sorted(tuple(str(record[name]) for name in fields) for record in records))

    def year_to_date(self, records: list[dict[str, Any]]) -> float | None:
        return None

    def value_problems(self, records: list[dict[str, Any]]) -> list[str]:
        """Problems in the values of one release (beyond those stats/quality.py finds)."""
        return []

    def problems(self, parsed: list[Parsed]) -> dict[Release, list[str]]:
        if id(parsed) not in self._problems:
            by_release: dict[Release, list[dict[str, Any]]] = defaultdict(list)
            for item in parsed:
                by_release[item.record["release"]].append(item.record)
            contents = [
                ReleaseContent(release, self.signature(records), self.year_to_date(records))
                for release, records in by_release.items()
            ]
            extra = {
                release: self.value_problems(records) for release, records in by_release.items()
            }
            self._problems = {id(parsed): find_problems(contents, extra=extra)}
        return self._problems[id(parsed)]

    def check(self, parsed: list[Parsed]) -> list[str]:
        problems = self.problems(parsed)
        return [
            f"{release}: {message}" for release in sorted(problems) for message in problems[release]
        ]

    # Writing ------------------------------------------------------------------------------

    def to_row(self, record: dict[str, Any], note: str) -> dict[str, Any]:
        release: Release = record["release"]
        values = {name: value for name, value in record.items() if name != "release"}
        return {
            "fiscal_year": release.fiscal_year,
            "file_date": release.file_date,
            "pull_date": release.pull_date,
            **values,
            "source_name": self.source_name,
            "source_url": self.source_url,
            "quality_note": note,
        }

    def write(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        problems = self.problems(parsed)
        rows = [
            self.to_row(item.record, "; ".join(problems.get(item.record["release"], [])))
            for item in parsed
        ]
        counts = fast_upsert(
            self.model,
            rows,
            key_fields=(*RELEASE_COLUMNS, *self.row_key_fields),
            run=run,
            scope=_release_scope(parsed),
        )
        return bump_after_commit(counts)


def _release_scope(parsed: list[Parsed]) -> Q:
    pulls = [item.record["release"].pull_date for item in parsed]
    return Q(pull_date__gte=min(pulls), pull_date__lte=max(pulls)) if pulls else Q(pk__in=[])


def _month(row: Row) -> date | None:
    """The `date` column (first day of a month), checked against the `month` name."""
    day = _date(row, "date")
    name = row.choice("month", MONTHS, required=True)
    if day is None or name is None:
        return None
    if day.day != 1:
        row.error("date", "not the first day of a month", day.isoformat())
        return None
    if MONTHS[day.month - 1] != name:
        row.error("month", f"does not match the date {day.isoformat()}", name)
        return None
    return day


def _months_outside_label(records: list[dict[str, Any]]) -> list[str]:
    label = records[0]["release"].fiscal_year
    years = sorted({fiscal_year_of(record["month"]) for record in records} - {label})
    if not years:
        return []
    shown = ", ".join(f"FY{year}" for year in years)
    return [f"labelled FY{label} but has months of {shown}"]


class RemovalsImporter(DetentionImporter):
    importer = "stats.removals"
    model = RemovalsToDate
    required_columns = ("removals", *RELEASE_COLUMNS)
    row_key_fields = ()

    def parse_values(self, row: Row) -> dict[str, Any]:
        return {"removals": _count(row, "removals", required=True)}

    def year_to_date(self, records: list[dict[str, Any]]) -> float | None:
        return records[0]["removals"]


class DetainedImporter(DetentionImporter):
    importer = "stats.currently_detained"
    model = DetainedByCriminality
    required_columns = ("criminality", "ice", "percent_ice", "cbp", "percent_cbp", "total")
    required_columns = (*required_columns, *RELEASE_COLUMNS)
    row_key_fields = ("criminality",)

    def parse_values(self, row: Row) -> dict[str, Any]:
        values = {
            "criminality": row.choice("criminality", CRIMINALITIES, required=True),
            "ice": _count(row, "ice", required=True),
            "percent_ice": _amount(row, "percent_ice"),
            "cbp": _count(row, "cbp", required=True),
            "percent_cbp": _amount(row, "percent_cbp"),
            "total": _count(row, "total", required=True),
        }
        if not row.errors and values["ice"] + values["cbp"] != values["total"]:
            row.error(
                "total", f"is not ice + cbp ({values['ice'] + values['cbp']})", row.raw("total")
            )
        return values

    def value_problems(self, records: list[dict[str, Any]]) -> list[str]:
        by_kind = {record["criminality"]: record["total"] for record in records}
        total = by_kind.get(Criminality.TOTAL)
        if total is None:
            return ["has no Total row"]
        parts = sum(value for kind, value in by_kind.items() if kind != Criminality.TOTAL)
        if parts > total:
            return [f"its criminality rows add up to {parts}, more than its Total ({total})"]
        return []


class MonthTableImporter(DetentionImporter):
    """ADP and stay-length tables: three sections (CBP, ICE, all), each opened by its average
    row ("CBP Average", "ICE Average", "Average") and followed by its criminality rows, which
    carry no agency of their own: the section is taken from the row order, per release."""

    row_key_fields = ("agency", "criminality", "month")
    value_columns: ClassVar[tuple[str, str]]
    SECTIONS: ClassVar[dict[str, str]] = {
        "CBP Average": Agency.CBP,
        "ICE Average": Agency.ICE,
        "Average": Agency.ALL,
    }
    LABELS: ClassVar[tuple[str, ...]] = (*SECTIONS, *CRIMINALITIES)

    def __init__(self) -> None:
        super().__init__()
        self._section: tuple[tuple, str] | None = None

    def parse_values(self, row: Row) -> dict[str, Any]:
        label = row.choice("agency", self.LABELS, required=True)
        month = _month(row)
        release = tuple(row.raw(column) for column in RELEASE_COLUMNS)
        agency, criminality = None, None
        if label in self.SECTIONS:
            agency, criminality = self.SECTIONS[label], Criminality.TOTAL
            self._section = (release, agency)
        elif label is not None:
            if label == Criminality.TOTAL or not self._section or self._section[0] != release:
                row.error(
                    "agency",
                    "a criminality row must follow its section's average row "
                    '("CBP Average", "ICE Average" or "Average") in the same release',
                    label,
                )
            else:
                agency, criminality = self._section[1], label
        average, year_to_date = self.value_columns
        return {
            "agency": agency,
            "criminality": criminality,
            "month": month,
            average: _amount(row, average),
            year_to_date: _amount(row, year_to_date),
        }

    def signature(self, records: list[dict[str, Any]]) -> Hashable:
        average = self.value_columns[0]
        return tuple(
            sorted((r["agency"], r["criminality"], r["month"].month, r[average]) for r in records)
        )

    def value_problems(self, records: list[dict[str, Any]]) -> list[str]:
        return _months_outside_label(records)


class MonthlyPopulationImporter(MonthTableImporter):
    importer = "stats.adp"
    model = MonthlyPopulation
    value_columns = ("adp", "adp_fy_ytd")
    required_columns = ("agency", "month", "date", *value_columns, *RELEASE_COLUMNS)


class StayLengthImporter(MonthTableImporter):
    importer = "stats.stay_length"
    model = StayLength
    value_columns = ("avg_stay_length_days", "avg_stay_length_days_fy_ytd")
    required_columns = ("agency", "month", "date", *value_columns, *RELEASE_COLUMNS)


class BookInsImporter(DetentionImporter):
    importer = "stats.book_ins"
    model = BookIns
    required_columns = ("arresting_agency", "month", "date", "n_book_ins", "n_book_ins_ytd")
    required_columns = (*required_columns, *RELEASE_COLUMNS)
    row_key_fields = ("arresting_agency", "month")
    AGENCIES: ClassVar[dict[str, str]] = {"ICE": Agency.ICE, "CBP": Agency.CBP, "Total": Agency.ALL}

    def parse_values(self, row: Row) -> dict[str, Any]:
        agency = row.choice("arresting_agency", list(self.AGENCIES), required=True)
        return {
            "arresting_agency": self.AGENCIES.get(agency),
            "month": _month(row),
            "book_ins": _count(row, "n_book_ins"),
            "book_ins_ytd": _count(row, "n_book_ins_ytd"),
        }

    def year_to_date(self, records: list[dict[str, Any]]) -> float | None:
        totals = [r["book_ins_ytd"] for r in records if r["arresting_agency"] == Agency.ALL]
        return max((t for t in totals if t is not None), default=None)

    def value_problems(self, records: list[dict[str, Any]]) -> list[str]:
        return _months_outside_label(records)


def facility_key(name: str, city: str) -> str:
    def normal(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().upper()

    return f"{normal(name)}|{normal(city)}"


def _zip_code(raw: str) -> str:
    # Leading zeros were lost upstream for New England and New Jersey ZIP codes ("7201").
    return raw.zfill(5) if raw.isdigit() and 3 <= len(raw) < 5 else raw


class FacilitiesImporter(DetentionImporter):
    importer = "stats.facilities"
    model = FacilityPopulation
    LEVELS = ("level_a", "level_b", "level_c", "level_d")
    required_columns = (
        "name",
        "address",
        "city",
        "state",
        "zip",
        "aor",
        "type_detailed",
        "male_female",
        *LEVELS,
        "male_crim",
        "alos",
        *RELEASE_COLUMNS,
    )
    row_key_fields = ("facility_key", "listing")

    def __init__(self) -> None:
        super().__init__()
        self._listings: Counter = Counter()
        self._facilities: dict[str, int] = {}

    def parse_values(self, row: Row) -> dict[str, Any]:
        name = row.text("name", required=True, max_length=200)
        city = row.text("city", required=True, max_length=100)
        state = row.text("state", max_length=2)
        if state and not re.fullmatch(r"[A-Z]{2}", state):
            row.error("state", "not a two-letter state code", state)
        levels = {level: _amount(row, level) for level in self.LEVELS}
        present = [value for value in levels.values() if value is not None]
        key = facility_key(name, city)
        release = tuple(row.raw(column) for column in RELEASE_COLUMNS)
        self._listings[(release, key)] += 1
        return {
            "facility_key": key,
            "listing": self._listings[(release, key)],
            "name": name,
            "address": row.text("address", max_length=200),
            "city": city,
            "state": state,
            "zip_code": row.text("zip", max_length=10),
            "aor": row.text("aor", max_length=10),
            "type_detailed": row.text("type_detailed", max_length=40),
            "male_female": row.text("male_female", max_length=20),
            **levels,
            "male_crim": _amount(row, "male_crim"),
            "alos": _amount(row, "alos"),
            "population": sum(present) if present else None,
        }

    def signature(self, records: list[dict[str, Any]]) -> Hashable:
        return tuple(
            sorted((r["facility_key"], *(str(r[level]) for level in self.LEVELS)) for r in records)
        )

    def check(self, parsed: list[Parsed]) -> list[str]:
        warnings = super().check(parsed)
        lines: dict[tuple, list[int]] = defaultdict(list)
        for item in parsed:
            lines[(item.record["release"], item.record["facility_key"])].append(item.line)
        for (release, key), found in sorted(lines.items()):
            if len(found) > 1:
                name, city = key.split("|")
                shown = ", ".join(map(str, found))
                warnings.append(
                    f"{release}: {name} ({city}) is listed {len(found)} times "
                    f"(lines {shown}); each listing is kept and flagged"
                )
        warnings.extend(self._missing_states(parsed))
        return warnings

    def _missing_states(self, parsed: list[Parsed]) -> list[str]:
        states = _latest_states(parsed)
        return [
            f"{item.record['release']}, line {item.line}: {item.record['name']} has no state; "
            f"its other listings say {states.get(item.record['facility_key']) or 'nothing'}"
            for item in parsed
            if not item.record["state"]
        ]

    def write(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        counts = self._write_facilities(parsed, run)
        ids = dict(DetentionFacility.objects.values_list("key", "pk"))
        problems = self.problems(parsed)
        repeated = Counter((item.record["release"], item.record["facility_key"]) for item in parsed)
        rows = []
        for item in parsed:
            record = dict(item.record)
            notes = list(problems.get(record["release"], []))
            times = repeated[(record["release"], record["facility_key"])]
            if times > 1:
                notes.append(f"{REPEATED_LISTING} {times} times")
            record["facility_id"] = ids[record.pop("facility_key")]
            rows.append(self.to_row(record, "; ".join(notes)))
        counts += fast_upsert(
            FacilityPopulation,
            rows,
            key_fields=(*RELEASE_COLUMNS, "facility_id", "listing"),
            run=run,
            scope=_release_scope(parsed),
        )
        return bump_after_commit(counts)

    def _write_facilities(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        existing = {f.key: f for f in DetentionFacility.objects.all()}
        latest: dict[str, dict[str, Any]] = {}
        first: dict[str, date] = {}
        for item in parsed:
            record, release = item.record, item.record["release"]
            key = record["facility_key"]
            first[key] = min(first.get(key, release.pull_date), release.pull_date)
            order = (release.pull_date, release.file_date, -record["listing"])
            if key not in latest or order > latest[key]["order"]:
                latest[key] = {**record, "order": order}
        states = _latest_states(parsed)
        rows = []
        for key, record in latest.items():
            known = existing.get(key)
            row = {
                "key": key,
                "name": record["name"],
                "slug": slugify(record["name"])[:80] or "facility",
                "address": record["address"],
                "city": record["city"],
                "state": states.get(key, ""),
                "zip_code": _zip_code(record["zip_code"]),
                "aor": record["aor"],
                "facility_type": record["type_detailed"],
                "first_pull_date": first[key],
                "last_pull_date": record["release"].pull_date,
            }
            if known is not None:
                row = _merge_facility(known, row)
            rows.append(row)
        return upsert(DetentionFacility, rows, key_fields=("key",), run=run)


def _latest_states(parsed: list[Parsed]) -> dict[str, str]:
    """The latest non-empty state of each facility in the file."""
    best: dict[str, tuple] = {}
    for item in parsed:
        record = item.record
        if record["state"]:
            order = (record["release"].pull_date, record["release"].file_date)
            key = record["facility_key"]
            if key not in best or order >= best[key][0]:
                best[key] = (order, record["state"])
    return {key: state for key, (_order, state) in best.items()}


def _merge_facility(known: DetentionFacility, row: dict[str, Any]) -> dict[str, Any]:
    """A file that does not reach the facility's latest listing keeps its stored details."""
    row["first_pull_date"] = min(known.first_pull_date, row["first_pull_date"])
    if known.last_pull_date > row["last_pull_date"]:
        keep = ("name", "slug", "address", "city", "state", "zip_code", "aor", "facility_type")
        row.update({name: getattr(known, name) for name in keep})
        row["last_pull_date"] = known.last_pull_date
    row["state"] = row["state"] or known.state
    return row


DETENTION_IMPORTERS: dict[str, type[DetentionImporter]] = {
    "removals": RemovalsImporter,
    "currently-detained-by-criminality": DetainedImporter,
    "adp-by-agency-criminality": MonthlyPopulationImporter,
    "stay-length-by-agency-criminality": StayLengthImporter,
    "book-ins-by-arresting-agency": BookInsImporter,
    "facilities": FacilitiesImporter,
}


def importer_for_detention_file(path: Path) -> DetentionImporter | None:
    """The importer for a file named like the Deportation Data Project's tables (its stem, or
    its stem followed by "-" or "_" and anything, e.g. `facilities-2026-04.csv`)."""
    stem = path.stem.lower()
    for kind in sorted(DETENTION_IMPORTERS, key=len, reverse=True):
        if stem == kind or stem.startswith((kind + "-", kind + "_")):
            return DETENTION_IMPORTERS[kind]()
    return None


# --- Figures in the spec's ice_stats table ---------------------------------------------------

PERCENT_FIELDS = ("pct_no_conviction", "pct_nonviolent_conviction", "pct_violent_conviction")
COUNT_FIELDS = tuple(name for name in IceStat.FIGURE_FIELDS if name not in PERCENT_FIELDS)


def _figure(row: Row, column: str, field: str) -> int | Decimal | None:
    if field in PERCENT_FIELDS:
        value = row.decimal(column, minimum=0)
        if value is not None and value > 100:
            row.error(column, "a percentage must be at most 100", row.raw(column))
            return None
        if value is not None and value.as_tuple().exponent < -2:
            row.error(column, "at most two decimal places", row.raw(column))
            return None
        return value
    return row.integer(column, minimum=0)


class IceStatWriter(Importer):
    """Shared by the importers that write `IceStat` rows: conflicts, sums, upsert."""

    def stat_rows(self, parsed: list[Parsed]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def check(self, parsed: list[Parsed]) -> list[str]:
        rows = self.stat_rows(parsed)
        warnings = [_sum_warning(row) for row in rows]
        return [w for w in warnings if w] + _conflicts(rows)

    def write(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        counts = upsert(
            IceStat,
            self.stat_rows(parsed),
            key_fields=("stat_date", "period_type", "source_name"),
            run=run,
        )
        return bump_after_commit(counts)


def _period_label(row: dict[str, Any]) -> str:
    if row["period_type"] == PeriodType.FISCAL_YEAR:
        return f"FY{row['fiscal_year']}"
    return f"{row['period_type']} starting {row['stat_date'].isoformat()}"


def _sum_warning(row: dict[str, Any]) -> str:
    parts = [row.get("interior_removals"), row.get("border_removals")]
    total = row.get("total_deportations")
    if total is not None and None not in parts and sum(parts) != total:
        return (
            f"{_period_label(row)}, {row['source_name']}: interior ({parts[0]}) + border "
            f"({parts[1]}) removals = {sum(parts)}, not the total of {total}"
        )
    shares = [row.get(name) for name in PERCENT_FIELDS]
    if None not in shares and sum(shares) > 100:
        return (
            f"{_period_label(row)}, {row['source_name']}: the three shares add up to {sum(shares)}%"
        )
    return ""


def _conflicts(rows: list[dict[str, Any]]) -> list[str]:
    """The same figure for the same period from different sources, with different values
    (within the file, and against what other sources already stored)."""
    period_keys = {(row["period_type"], row["stat_date"]) for row in rows}
    names = {row["source_name"] for row in rows}
    stored = [
        stat
        for stat in IceStat.objects.filter(
            period_type__in={p for p, _d in period_keys},
            stat_date__in={d for _p, d in period_keys},
        ).exclude(source_name__in=names)
        if (stat.period_type, stat.stat_date) in period_keys
    ]
    everything = rows + [
        {
            "source_name": s.source_name,
            **{
                f: getattr(s, f)
                for f in ("period_type", "stat_date", "fiscal_year", *IceStat.FIGURE_FIELDS)
            },
        }
        for s in stored
    ]
    seen: dict[tuple, dict[Any, list[str]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[tuple, str] = {}
    for row in everything:
        for field in IceStat.FIGURE_FIELDS:
            if row.get(field) is not None:
                key = (row["period_type"], row["stat_date"], field)
                seen[key][row[field]].append(row["source_name"])
                labels[key] = _period_label(row)
    warnings = []
    for key, values in seen.items():
        if len(values) > 1:
            shown = "; ".join(
                f"{value} ({', '.join(sources)})" for value, sources in values.items()
            )
            warnings.append(f"{labels[key]}: conflicting figures for {key[2]}: {shown}")
    return warnings


# Metrics of annual-figures.csv and the ice_stats field each one fills.
ANNUAL_METRICS = {
    "removals": "total_deportations",
    "interior_removals": "interior_removals",
    "border_removals": "border_removals",
    "title_42_expulsions": "title_42_expulsions",
    "arrests": "total_arrests",
    "arrests_no_criminal_record": "arrests_no_criminal_record",
    "arrests_violent_crime": "arrests_violent_crime",
    "detention_population": "detention_population",
    "deaths_in_detention": "deaths_in_detention",
    "citizens_detained": "citizens_detained",
    "citizens_deported": "citizens_deported",
    "pct_no_conviction": "pct_no_conviction",
    "pct_nonviolent_conviction": "pct_nonviolent_conviction",
    "pct_violent_conviction": "pct_violent_conviction",
}
PULL_IN_SOURCE = re.compile(r"\bpull(?:ed)?\s+(\d{4}-\d{2}-\d{2})\b")


def _as_of_from_source(source_name: str, fiscal_year: int) -> date:
    """A source named "... (pull 2025-09-15)" is as of that day; otherwise the year's end."""
    found = PULL_IN_SOURCE.search(source_name)
    if found:
        day = date.fromisoformat(found.group(1))
        if day >= fiscal_year_start(fiscal_year):
            return day
    return fiscal_year_end(fiscal_year)


class AnnualFiguresImporter(IceStatWriter):
    """`annual-figures.csv`: fiscal_year, metric, value, source_name, source_url, note.

    Figures of one fiscal year from one source become one `IceStat` row (period fiscal_year);
    each metric's note is kept in the row's note as "metric: note".
    """

    importer = "stats.annual_figures"
    source_name = "Curated annual figures (annual-figures.csv)"
    required_columns = ("fiscal_year", "metric", "value", "source_name", "source_url")
    optional_columns = ("note",)

    def parse(self, row: Row) -> dict[str, Any] | None:
        metric = row.choice("metric", list(ANNUAL_METRICS), required=True)
        record = {
            "fiscal_year": _fiscal_year(row),
            "metric": metric,
            "value": _figure(row, "value", ANNUAL_METRICS[metric]) if metric else None,
            "source_name": row.text("source_name", required=True, max_length=200),
            "source_url": row.url("source_url", required=True),
            "note": row.text("note"),
        }
        if metric and record["value"] is None and not row.errors:
            row.error("value", "a value is required", "")
        return record

    def key(self, record: dict[str, Any]) -> Hashable:
        return (record["fiscal_year"], record["metric"], record["source_name"])

    def describe_key(self, key: Hashable) -> str:
        fiscal_year, metric, source = key
        return f"FY{fiscal_year} {metric} from {source!r}"

    def stat_rows(self, parsed: list[Parsed]) -> list[dict[str, Any]]:
        groups: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
        for item in parsed:
            groups[(item.record["fiscal_year"], item.record["source_name"])].append(item.record)
        return [self._stat_row(fy, source, records) for (fy, source), records in groups.items()]

    def check(self, parsed: list[Parsed]) -> list[str]:
        warnings = super().check(parsed)
        for item in parsed:
            urls = {
                other.record["source_url"]
                for other in parsed
                if other.record["fiscal_year"] == item.record["fiscal_year"]
                and other.record["source_name"] == item.record["source_name"]
            }
            if len(urls) > 1 and item.record["source_url"] != min(urls):
                record = item.record
                warnings.append(
                    f"line {item.line}: FY{record['fiscal_year']} {record['source_name']!r} "
                    f"has several source URLs; the row keeps {min(urls)}"
                )
        return warnings + _spreadsheet_conflicts(self.stat_rows(parsed))

    def _stat_row(self, fiscal_year: int, source: str, records: list[dict]) -> dict[str, Any]:
        figures = dict.fromkeys(IceStat.FIGURE_FIELDS)
        for record in records:
            figures[ANNUAL_METRICS[record["metric"]]] = record["value"]
        notes = [f"{r['metric']}: {r['note']}" for r in records if r["note"]]
        administration = FiscalYear(fiscal_year).administration
        return {
            "stat_date": fiscal_year_start(fiscal_year),
            "period_type": PeriodType.FISCAL_YEAR,
            "fiscal_year": fiscal_year,
            "administration": administration or "",
            "as_of": _as_of_from_source(source, fiscal_year),
            **figures,
            "source_name": source,
            "source_url": min(r["source_url"] for r in records),
            "note": "\n".join(notes),
        }


def _spreadsheet_conflicts(rows: list[dict[str, Any]]) -> list[str]:
    """Annual removals that differ from ICE's own year-end spreadsheet (pulled on or after
    September 30 of that year), where the database has one."""
    year_end = {}
    for fiscal_year, pull_date, removals in (
        RemovalsToDate.objects.usable()
        .order_by("pull_date")
        .values_list("fiscal_year", "pull_date", "removals")
    ):
        if pull_date >= fiscal_year_end(fiscal_year):
            year_end[fiscal_year] = (pull_date, removals)
    warnings = []
    for row in rows:
        found = year_end.get(row["fiscal_year"])
        if (
            found
            and row["total_deportations"] is not None
            and row["total_deportations"] != found[1]
        ):
            warnings.append(
                f"FY{row['fiscal_year']}: removals {row['total_deportations']} "
                f"({row['source_name']}) differ from ICE's year-end spreadsheet, "
                f"{found[1]} (pulled {found[0].isoformat()})"
            )
    return warnings


STAT_IGNORED_COLUMNS = ("id", "created_at", "updated_at")


class IceStatsImporter(IceStatWriter):
    """Any CSV with the columns of the spec's `ice_stats` table (plus optional as_of, note).

    `stat_date` may be left empty for a fiscal-year row that gives `fiscal_year`. `id`,
    `created_at` and `updated_at` (as in an export of the table) are accepted and ignored.
    """

    importer = "stats.ice_stats"
    source_name = "ice_stats CSV"
    required_columns = ("period_type", "source_name")
    optional_columns = (
        "stat_date",
        "fiscal_year",
        "administration",
        *IceStat.FIGURE_FIELDS,
        "source_url",
        "as_of",
        "note",
        *STAT_IGNORED_COLUMNS,
    )

    def parse(self, row: Row) -> dict[str, Any] | None:
        period_type = row.choice("period_type", PeriodType.values, required=True)
        fiscal_year = _fiscal_year(row, required=False)
        stat_date = row.date("stat_date")
        if stat_date is None and not row.raw("stat_date"):
            if period_type == PeriodType.FISCAL_YEAR and fiscal_year:
                stat_date = fiscal_year_start(fiscal_year)
            else:
                row.error(
                    "stat_date", "a value is required (or fiscal_year for a fiscal_year row)", ""
                )
        record = {
            "stat_date": stat_date,
            "period_type": period_type,
            "fiscal_year": fiscal_year,
            **{field: _figure(row, field, field) for field in IceStat.FIGURE_FIELDS},
            "source_name": row.text("source_name", required=True, max_length=200),
            "source_url": row.url("source_url"),
            "as_of": row.date("as_of"),
            "note": row.text("note"),
        }
        if not row.errors:
            _check_period(row, record)
        return record

    def key(self, record: dict[str, Any]) -> Hashable:
        return (record["stat_date"], record["period_type"], record["source_name"])

    def describe_key(self, key: Hashable) -> str:
        stat_date, period_type, source = key
        return f"{period_type} {stat_date.isoformat()} from {source!r}"

    def stat_rows(self, parsed: list[Parsed]) -> list[dict[str, Any]]:
        return [item.record for item in parsed]


def period_end(period_type: str, start: date) -> date:
    if period_type == PeriodType.FISCAL_YEAR:
        return fiscal_year_end(fiscal_year_of(start))
    if period_type == PeriodType.CALENDAR_YEAR:
        return date(start.year, 12, 31)
    months = 3 if period_type == PeriodType.QUARTER else 1
    month = start.month + months
    following = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _check_period(row: Row, record: dict[str, Any]) -> None:
    """Period start, fiscal year, administration and as-of date must agree with each other."""
    period_type, start = record["period_type"], record["stat_date"]
    expected_start = {
        PeriodType.FISCAL_YEAR: (10, 1),
        PeriodType.CALENDAR_YEAR: (1, 1),
    }.get(period_type)
    if expected_start and (start.month, start.day) != expected_start:
        row.error(
            "stat_date",
            f"a {period_type} starts on {expected_start[0]:02}-{expected_start[1]:02}",
            start.isoformat(),
        )
        return
    if period_type == PeriodType.QUARTER and (start.day != 1 or start.month not in (1, 4, 7, 10)):
        row.error(
            "stat_date",
            "a quarter starts on the first of January, April, July or October",
            start.isoformat(),
        )
        return
    if period_type == PeriodType.MONTH and start.day != 1:
        row.error("stat_date", "a month starts on its first day", start.isoformat())
        return
    end = period_end(period_type, start)
    derived = fiscal_year_of(start) if period_type != PeriodType.CALENDAR_YEAR else None
    if record["fiscal_year"] is None:
        record["fiscal_year"] = derived
    elif derived is not None and record["fiscal_year"] != derived:
        row.error(
            "fiscal_year",
            f"the period starting {start.isoformat()} is in FY{derived}",
            row.raw("fiscal_year"),
        )
    if record["as_of"] is not None and not start <= record["as_of"]:
        row.error(
            "as_of", f"before the period starts ({start.isoformat()})", record["as_of"].isoformat()
        )
    in_office = administrations_between(start, min(end, record["as_of"] or end))
    given = (
        row.choice("administration", Administration.values) if row.raw("administration") else None
    )
    if given is not None and given not in in_office:
        allowed = ", ".join(a or "none" for a in in_office)
        row.error(
            "administration", f"not in office during the period (in office: {allowed})", given
        )
    record["administration"] = given or (administration_of(min(end, record["as_of"] or end)) or "")
