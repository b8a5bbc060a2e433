"""Reads for the dashboard, the detention pages and the API.

Each function runs a fixed number of queries whatever the amount of data, and returns plain
dataclasses that carry every figure's source and as-of date. A detention release is used only
if no importer flagged it in any of its files (see stats/quality.py): the flagged ones are
listed by `flagged_releases()` instead.
"""

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from imports.models import ImportRun
from incidents.models import Incident, IncidentType
from stats.fiscal import (
    FiscalYear,
    administration_of,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
    term_of,
)
from stats.models import (
    ICE_DETENTION_SOURCE,
    ICE_DETENTION_URL,
    REPEATED_LISTING,
    BookIns,
    Criminality,
    DetainedByCriminality,
    FacilityPopulation,
    IceStat,
    MonthlyPopulation,
    PeriodType,
    RemovalsToDate,
    StayLength,
)

RELEASE_MODELS = (
    RemovalsToDate,
    DetainedByCriminality,
    MonthlyPopulation,
    StayLength,
    BookIns,
    FacilityPopulation,
)
ReleaseKey = tuple[int, date, date]


@dataclass(frozen=True)
class Source:
    name: str
    url: str = ""


ICE_RELEASES = Source(ICE_DETENTION_SOURCE, ICE_DETENTION_URL)
TRACKER = Source("ICE Accountability Tracker: published incidents")


@dataclass
class Figure:
    value: int | float | Decimal | None
    period: str
    as_of: date | None
    source: Source | None
    note: str = ""
    lower_bound: bool = False
    row: IceStat | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None and self.source is not None


def _source(stat: IceStat) -> Source:
    return Source(stat.source_name, stat.source_url)


# --- Releases -------------------------------------------------------------------------------


def flagged_releases() -> dict[ReleaseKey, list[str]]:
    """Every release an importer flagged, with the problems found (one query).

    A facility listed twice flags those two rows only, not their release.
    """
    querysets = [
        model.objects.flagged()
        .order_by()
        .values_list("fiscal_year", "file_date", "pull_date", "quality_note")
        .distinct()
        for model in RELEASE_MODELS
    ]
    found: dict[ReleaseKey, set[str]] = defaultdict(set)
    for fiscal_year, file_date, pull_date, note in querysets[0].union(*querysets[1:]):
        problems = [n for n in note.split("; ") if not n.startswith(REPEATED_LISTING)]
        if problems:
            found[(fiscal_year, file_date, pull_date)].update(problems)
    return {key: sorted(notes) for key, notes in sorted(found.items())}


def _latest_per_fiscal_year(keys: list[ReleaseKey], flagged: set) -> list[ReleaseKey]:
    best: dict[int, ReleaseKey] = {}
    for key in keys:
        if key in flagged:
            continue
        current = best.get(key[0])
        if current is None or (key[2], key[1]) > (current[2], current[1]):
            best[key[0]] = key
    return [best[year] for year in sorted(best)]


def _latest(keys: list[ReleaseKey], flagged: set) -> ReleaseKey | None:
    usable = [key for key in keys if key not in flagged]
    return max(usable, key=lambda k: (k[2], k[1], k[0])) if usable else None


# --- Removals -------------------------------------------------------------------------------


@dataclass
class RemovalsYear:
    fiscal_year: int
    value: int
    as_of: date | None
    source: Source
    note: str = ""
    interior: int | None = None
    border: int | None = None

    @property
    def fiscal(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    @property
    def administration(self) -> str:
        return self.fiscal.administration or ""

    @property
    def complete(self) -> bool:
        return self.as_of is None or self.as_of >= fiscal_year_end(self.fiscal_year)

    @property
    def period(self) -> str:
        if self.complete:
            return _("FY%(year)s (full year)") % {"year": self.fiscal_year}
        return _("FY%(year)s to date, as of %(day)s") % {
            "year": self.fiscal_year,
            "day": self.as_of.isoformat(),
        }


def _removal_candidates(stats: list[IceStat], releases: list[RemovalsToDate], flagged: set):
    candidates: dict[int, list[RemovalsYear]] = defaultdict(list)
    for stat in stats:
        if stat.period_type == PeriodType.FISCAL_YEAR and stat.total_deportations is not None:
            candidates[stat.fiscal_year].append(
                RemovalsYear(
                    stat.fiscal_year,
                    stat.total_deportations,
                    stat.as_of,
                    _source(stat),
                    stat.note,
                    stat.interior_removals,
                    stat.border_removals,
                )
            )
    keys = [(r.fiscal_year, r.file_date, r.pull_date) for r in releases]
    chosen = set(_latest_per_fiscal_year(keys, flagged))
    for release in releases:
        if (release.fiscal_year, release.file_date, release.pull_date) in chosen:
            candidates[release.fiscal_year].append(
                RemovalsYear(
                    release.fiscal_year,
                    release.removals,
                    release.pull_date,
                    ICE_RELEASES,
                    _("ICE spreadsheet dated %(day)s") % {"day": release.file_date.isoformat()},
                )
            )
    return candidates


def _best_removals(options: list[RemovalsYear]) -> RemovalsYear:
    """A full-year figure over a year-to-date one; a curated figure over the spreadsheet; then
    the latest as-of date."""
    return min(
        options,
        key=lambda o: (
            not o.complete,
            o.source == ICE_RELEASES,
            -(o.as_of or date.max).toordinal(),
            o.source.name,
        ),
    )


def removals_by_fiscal_year(
    stats: list[IceStat], releases: list[RemovalsToDate], flagged: set
) -> list[RemovalsYear]:
    candidates = _removal_candidates(stats, releases, flagged)
    return [_best_removals(candidates[year]) for year in sorted(candidates)]


# --- Detention population --------------------------------------------------------------------


@dataclass
class PopulationPoint:
    as_of: date
    total: int
    convicted: int
    pending: int
    release: ReleaseKey

    @property
    def no_record(self) -> int:
        return self.total - self.convicted - self.pending

    @property
    def no_conviction_share(self) -> float | None:
        if not self.total:
            return None
        return round(100 * (self.total - self.convicted) / self.total, 1)

    @property
    def administration(self) -> str:
        return administration_of(self.as_of) or ""


def detention_population(rows: list[DetainedByCriminality], flagged: set) -> list[PopulationPoint]:
    """One point per pull date: the currently-detained table of the last usable release."""
    by_release: dict[ReleaseKey, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_release[(row.fiscal_year, row.file_date, row.pull_date)][row.criminality] = row.total
    by_day: dict[date, ReleaseKey] = {}
    for key, values in by_release.items():
        if key in flagged or Criminality.TOTAL not in values:
            continue
        if key[2] not in by_day or key[1] > by_day[key[2]][1]:
            by_day[key[2]] = key
    return [
        PopulationPoint(
            day,
            by_release[key][Criminality.TOTAL],
            by_release[key].get(Criminality.CONVICTED, 0),
            by_release[key].get(Criminality.PENDING, 0),
            key,
        )
        for day, key in sorted(by_day.items())
    ]


# --- Book-ins --------------------------------------------------------------------------------


@dataclass
class BookInsMonth:
    month: date
    ice: int | None
    cbp: int | None
    total: int | None
    as_of: date

    @property
    def administration(self) -> str:
        return administration_of(self.month) or ""


def _month_end(first_day: date) -> date:
    return first_day.replace(day=monthrange(first_day.year, first_day.month)[1])


def book_ins_by_month(flagged: set) -> list[BookInsMonth]:
    """Monthly book-ins from the last usable release of each fiscal year (two queries).

    Only months that were over when ICE pulled the data: a release shows the month of its pull
    date as a partial figure and later months as 0 or empty.
    """
    chosen = _latest_per_fiscal_year(BookIns.objects.usable().release_keys(), flagged)
    months: dict[date, dict] = {}
    for row in BookIns.objects.usable().of_releases(chosen).order_by("month"):
        if row.book_ins is None or _month_end(row.month) >= row.pull_date:
            continue  # no figure, or a month not over when ICE pulled the data (partial or 0)
        entry = months.setdefault(row.month, {"as_of": row.pull_date})
        entry[row.arresting_agency] = row.book_ins
    return [
        BookInsMonth(month, v.get("ICE"), v.get("CBP"), v.get("all"), v["as_of"])
        for month, v in sorted(months.items())
    ]


# --- Deaths ---------------------------------------------------------------------------------


@dataclass
class DeathsYear:
    fiscal_year: int
    official: int | None = None
    official_source: Source | None = None
    official_as_of: date | None = None
    official_note: str = ""
    official_administration: str = ""
    tracker: int | None = None

    @property
    def incidents_url(self) -> str:
        query = {
            "type": IncidentType.DEATH_DETENTION,
            "date_after": fiscal_year_start(self.fiscal_year).isoformat(),
            "date_before": fiscal_year_end(self.fiscal_year).isoformat(),
        }
        return f"{reverse('incidents:list')}?{urlencode(query)}"


def published_deaths_by_fiscal_year() -> dict[int, int]:
    """Published `death_detention` incidents per fiscal year (one query; drafts never count)."""
    rows = (
        Incident.objects.published()
        .of_type(IncidentType.DEATH_DETENTION)
        .annotate(year=ExtractYear("incident_date"), month=ExtractMonth("incident_date"))
        .order_by()
        .values("year", "month")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[fiscal_year_of(date(row["year"], row["month"], 1))] += row["n"]
    return dict(counts)


def deaths_by_fiscal_year(stats: list[IceStat], tracker: dict[int, int]) -> list[DeathsYear]:
    years: dict[int, DeathsYear] = {}
    official = [
        s
        for s in stats
        if s.period_type == PeriodType.FISCAL_YEAR and s.deaths_in_detention is not None
    ]
    for stat in sorted(official, key=lambda s: (s.as_of or date.min, s.source_name)):
        years[stat.fiscal_year] = DeathsYear(
            stat.fiscal_year,
            stat.deaths_in_detention,
            _source(stat),
            stat.as_of,
            stat.note,
            stat.administration,
        )
    for year, count in tracker.items():
        years.setdefault(year, DeathsYear(year)).tracker = count
    return [years[year] for year in sorted(years)]


# --- Point figures --------------------------------------------------------------------------


def _dated_stats(stats: list[IceStat], field_name: str) -> list[IceStat]:
    """Point-in-time figures of `field_name`: rows of a month or quarter with an as-of date."""
    return [
        s
        for s in stats
        if getattr(s, field_name) is not None
        and s.period_type in (PeriodType.MONTH, PeriodType.QUARTER)
        and s.as_of is not None
    ]


def _point(stat: IceStat) -> str:
    return _("in detention on %(day)s") % {"day": stat.as_of}


def population_figures(stats: list[IceStat], points: list[PopulationPoint]) -> list[Figure]:
    """Every dated detention-population figure, latest first."""
    figures = [
        Figure(p.total, _("in detention on %(day)s") % {"day": p.as_of}, p.as_of, ICE_RELEASES)
        for p in points[-1:]
    ]
    figures += [
        Figure(s.detention_population, _point(s), s.as_of, _source(s), s.note, row=s)
        for s in _dated_stats(stats, "detention_population")
    ]
    return sorted(figures, key=lambda f: f.as_of, reverse=True)


def no_conviction_figures(stats: list[IceStat], points: list[PopulationPoint]) -> list[Figure]:
    figures = [
        Figure(
            p.no_conviction_share,
            _("in detention on %(day)s") % {"day": p.as_of},
            p.as_of,
            ICE_RELEASES,
            _(
                "Pending criminal charges plus other immigration violators,"
                " as a share of the total."
            ),
        )
        for p in points[-1:]
    ]
    figures += [
        Figure(s.pct_no_conviction, _point(s), s.as_of, _source(s), s.note, row=s)
        for s in _dated_stats(stats, "pct_no_conviction")
    ]
    return sorted(figures, key=lambda f: f.as_of, reverse=True)


def citizens_figures(stats: list[IceStat]) -> list[Figure]:
    rows = [s for s in stats if s.citizens_detained is not None]
    return [
        Figure(
            s.citizens_detained,
            s.period_label,
            s.as_of,
            _source(s),
            s.note,
            lower_bound="lower bound" in s.note.lower(),
            row=s,
        )
        for s in sorted(rows, key=lambda s: s.as_of or s.stat_date, reverse=True)
    ]


def last_updated() -> "ImportRun | None":
    return (
        ImportRun.objects.filter(
            importer__startswith="stats.", status=ImportRun.Status.SUCCEEDED, dry_run=False
        )
        .exclude(created=0, updated=0)
        .order_by("-finished_at")
        .first()
    )


# --- Everything the dashboard and the API need ------------------------------------------------


@dataclass
class Statistics:
    today: date
    stats: list[IceStat]
    flagged: dict[ReleaseKey, list[str]]
    removals: list[RemovalsYear]
    removal_releases: list[RemovalsToDate]
    population: list[PopulationPoint]
    book_ins: list[BookInsMonth]
    deaths: list[DeathsYear]

    @property
    def current_fiscal_year(self) -> int:
        return fiscal_year_of(self.today)

    def latest_removals_release(self) -> RemovalsToDate | None:
        usable = [
            r
            for r in self.removal_releases
            if (r.fiscal_year, r.file_date, r.pull_date) not in self.flagged
        ]
        return max(usable, key=lambda r: (r.pull_date, r.file_date), default=None)

    def in_term(self, day: date | None, administration: str | None) -> bool:
        if not administration:
            return True
        if day is None:
            return False
        first, last = term_of(administration)
        return first <= day and (last is None or day <= last)


def load_statistics(today: date) -> Statistics:
    """Everything the dashboard shows, in a fixed number of queries (seven)."""
    flagged = flagged_releases()
    stats = list(IceStat.objects.order_by("stat_date", "source_name"))
    releases = list(RemovalsToDate.objects.usable().order_by("pull_date", "file_date"))
    detained = list(DetainedByCriminality.objects.usable())
    population = detention_population(detained, set(flagged))
    return Statistics(
        today=today,
        stats=stats,
        flagged=flagged,
        removals=removals_by_fiscal_year(stats, releases, set(flagged)),
        removal_releases=releases,
        population=population,
        book_ins=book_ins_by_month(set(flagged)),
        deaths=deaths_by_fiscal_year(stats, published_deaths_by_fiscal_year()),
    )


# --- Facilities -----------------------------------------------------------------------------


def latest_facility_release(flagged: set) -> ReleaseKey | None:
    return _latest(FacilityPopulation.objects.usable().release_keys(), flagged)


def facility_rows(release: ReleaseKey | None) -> list[FacilityPopulation]:
    if release is None:
        return []
    return list(
        FacilityPopulation.objects.usable()
        .of_releases([release])
        .select_related("facility")
        .order_by("facility__name", "listing")
    )


def facility_trend(facility_id: int, flagged: set) -> list[FacilityPopulation]:
    """One row per pull date (the last usable release of that day) for one facility."""
    rows = FacilityPopulation.objects.usable().filter(facility_id=facility_id)
    by_day: dict[date, FacilityPopulation] = {}
    for row in rows.order_by("pull_date", "file_date", "listing"):
        if (row.fiscal_year, row.file_date, row.pull_date) in flagged:
            continue
        by_day.setdefault(row.pull_date, row)
        if row.file_date > by_day[row.pull_date].file_date:
            by_day[row.pull_date] = row
    return [by_day[day] for day in sorted(by_day)]
