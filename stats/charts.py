"""Chart definitions: one object gives the chart's data (for Chart.js, via json_script), its
accessible table and its CSV download, so the three always show exactly the same numbers."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from incidents.models import IncidentType
from stats.fiscal import Administration, administration_label
from stats.models import FacilityPopulation
from stats.queries import (
    ICE_RELEASES,
    TRACKER,
    BookInsMonth,
    DeathsYear,
    PopulationPoint,
    RemovalsYear,
    Source,
    Statistics,
)


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class Series:
    """One plotted series: `key` is a column; `style` picks its colour and pattern in JS."""

    key: str
    label: str
    style: str
    kind: str = "bar"
    axis: str = "y"


@dataclass
class Chart:
    name: str
    title: str
    description: str
    x: str  # the column plotted on the x axis
    columns: list[Column]
    rows: list[dict[str, Any]]
    series: list[Series]
    sources: list[Source]
    as_of: date | None
    stacked: bool = False
    y_label: str = ""
    y2_label: str = ""
    notes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.rows)

    def cells(self) -> list[list[tuple[Column, Any]]]:
        """The table, cell by cell, with each cell's column (for the template)."""
        return [[(column, row.get(column.key)) for column in self.columns] for row in self.rows]

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.name}"

    def table_rows(self) -> list[list[Any]]:
        return [[row.get(column.key) for column in self.columns] for row in self.rows]

    def js_config(self) -> dict[str, Any]:
        """What static/js/stats-charts.js needs: labels, datasets, axis titles."""
        return {
            "labels": [str(row[self.x]) for row in self.rows],
            "stacked": self.stacked,
            "yLabel": self.y_label,
            "y2Label": self.y2_label,
            "datasets": [
                {
                    "label": series.label,
                    "style": series.style,
                    "kind": series.kind,
                    "axis": series.axis,
                    "data": [_number(row.get(series.key)) for row in self.rows],
                }
                for series in self.series
            ],
        }

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([column.key for column in self.columns])
        for values in self.table_rows():
            writer.writerow([_cell(value) for value in values])
        return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _number(value: Any) -> float | int | None:
    if value is None or value == "":
        return None
    return float(value) if not isinstance(value, int) else value


# --- The dashboard's four charts ------------------------------------------------------------


def removals_chart(statistics: Statistics) -> Chart:
    rows = [_removals_row(year) for year in statistics.removals]
    keys = [a.value for a in Administration]
    present = {row["administration"] for row in rows}
    series = [
        Series(f"removals_{key or 'before'}", administration_label(key), key or "before")
        for key in ["", *keys]
        if key in present
    ]
    for row in rows:
        for key in ["", *keys]:
            row[f"removals_{key or 'before'}"] = (
                row["removals"] if row["administration"] == key else None
            )
    sources = _unique(year.source for year in statistics.removals)
    latest = max((y.as_of for y in statistics.removals if y.as_of), default=None)
    return Chart(
        name="removals",
        title=_("Removals by fiscal year, by administration"),
        description=_(
            "Each bar is one fiscal year (October 1 to September 30), coloured by the "
            "administration in office for most of that year. A year that straddles January 20 "
            "is an annual figure that is not split between the two administrations."
        ),
        x="fiscal_year_label",
        columns=[
            Column("fiscal_year", _("Fiscal year")),
            Column("administration_name", _("Administration")),
            Column("removals", _("Removals"), numeric=True),
            Column("period", _("Period covered")),
            Column("source_name", _("Source")),
            Column("source_url", _("Source address")),
            Column("note", _("Note")),
        ],
        rows=rows,
        series=series,
        sources=sources,
        as_of=latest,
        stacked=True,
        y_label=_("Removals"),
        notes=[_("Figures marked “to date” are not full-year totals.")],
    )


def _removals_row(year: RemovalsYear) -> dict[str, Any]:
    return {
        "fiscal_year": year.fiscal_year,
        "fiscal_year_label": f"FY{year.fiscal_year}" + ("" if year.complete else "*"),
        "administration": year.administration,
        "administration_name": year.fiscal.attribution(),
        "removals": year.value,
        "period": year.period,
        "source_name": year.source.name,
        "source_url": year.source.url,
        "note": year.note,
    }


def population_chart(statistics: Statistics) -> Chart:
    points = statistics.population
    return Chart(
        name="detention-population",
        title=_("People in ICE detention by criminal record"),
        description=_(
            "People in detention on each date ICE pulled its data, split into those convicted "
            "of a crime, those with criminal charges pending and those with no criminal record "
            "(ICE's “other immigration violators”); the line is the share with no criminal "
            "conviction (pending charges plus no record)."
        ),
        x="as_of",
        columns=[
            Column("as_of", _("Date (ICE pull date)")),
            Column("administration_name", _("Administration")),
            Column("convicted", _("Convicted"), numeric=True),
            Column("pending", _("Pending criminal charges"), numeric=True),
            Column("no_record", _("No criminal record"), numeric=True),
            Column("total", _("Total"), numeric=True),
            Column("no_conviction_pct", _("% with no conviction"), numeric=True),
            Column("release", _("ICE release")),
        ],
        rows=[_population_row(point) for point in points],
        series=[
            Series("convicted", _("Convicted"), "convicted"),
            Series("pending", _("Pending criminal charges"), "pending"),
            Series("no_record", _("No criminal record"), "no_record"),
            Series("no_conviction_pct", _("% with no conviction"), "share", "line", "y2"),
        ],
        sources=[ICE_RELEASES],
        as_of=points[-1].as_of if points else None,
        stacked=True,
        y_label=_("People in detention"),
        y2_label=_("% with no conviction"),
        notes=[_("Releases that the importer flagged as suspect are left out (listed below).")],
    )


def _population_row(point: PopulationPoint) -> dict[str, Any]:
    fiscal_year, file_date, _pull = point.release
    return {
        "as_of": point.as_of.isoformat(),
        "administration_name": administration_label(point.administration),
        "convicted": point.convicted,
        "pending": point.pending,
        "no_record": point.no_record,
        "total": point.total,
        "no_conviction_pct": point.no_conviction_share,
        "release": f"FY{fiscal_year}, {file_date.isoformat()}",
    }


def deaths_chart(statistics: Statistics) -> Chart:
    years = statistics.deaths
    sources = _unique(y.official_source for y in years if y.official_source)
    if any(y.tracker for y in years):
        sources.append(TRACKER)
    return Chart(
        name="deaths",
        title=_("Deaths in ICE detention by fiscal year"),
        description=_(
            "Two series, each labelled by its source: official or press-reported counts, and "
            "the number of deaths in detention published as incidents in this tracker. An empty "
            "cell means no figure, not zero."
        ),
        x="fiscal_year_label",
        columns=[
            Column("fiscal_year", _("Fiscal year")),
            Column("official", _("Official or press count"), numeric=True),
            Column("official_source", _("Source of that count")),
            Column("official_note", _("Note")),
            Column("tracker", _("Published incidents in this tracker"), numeric=True),
        ],
        rows=[_deaths_row(year) for year in years],
        series=[
            Series("official", _("Official or press count"), "official"),
            Series("tracker", _("Published incidents in this tracker"), "tracker"),
        ],
        sources=sources,
        as_of=statistics.today if any(y.tracker for y in years) else None,
        y_label=_("Deaths"),
        links=[
            (
                f"{reverse('incidents:list')}?type={IncidentType.DEATH_DETENTION}",
                _("all deaths in detention published in this tracker"),
            ),
            *[
                (y.incidents_url, _("FY%(year)s") % {"year": y.fiscal_year})
                for y in years
                if y.tracker
            ],
        ],
    )


def _deaths_row(year: DeathsYear) -> dict[str, Any]:
    return {
        "fiscal_year": year.fiscal_year,
        "fiscal_year_label": f"FY{year.fiscal_year}",
        "official": year.official,
        "official_source": year.official_source.name if year.official_source else "",
        "official_note": year.official_note,
        "tracker": year.tracker,
    }


def book_ins_chart(statistics: Statistics) -> Chart:
    months = statistics.book_ins
    return Chart(
        name="book-ins",
        title=_("Book-ins into ICE detention by arresting agency"),
        description=_(
            "People booked into ICE detention each month, by the agency that arrested them: "
            "ICE (mostly arrests inside the US) or CBP (mostly at the border). Each fiscal year "
            "comes from ICE's last usable release of that year; a month is shown only if it was "
            "over when ICE pulled the data (ICE shows later months as 0)."
        ),
        x="month",
        columns=[
            Column("month", _("Month")),
            Column("administration_name", _("Administration")),
            Column("ice", _("Arrested by ICE"), numeric=True),
            Column("cbp", _("Arrested by CBP"), numeric=True),
            Column("total", _("Total"), numeric=True),
            Column("as_of", _("As of (ICE pull date)")),
        ],
        rows=[_book_ins_row(month) for month in months],
        series=[
            Series("ice", _("Arrested by ICE"), "ice", "line"),
            Series("cbp", _("Arrested by CBP"), "cbp", "line"),
        ],
        sources=[ICE_RELEASES],
        as_of=max((m.as_of for m in months), default=None),
        y_label=_("Book-ins per month"),
    )


def _book_ins_row(month: BookInsMonth) -> dict[str, Any]:
    return {
        "month": month.month.strftime("%Y-%m"),
        "administration_name": administration_label(month.administration),
        "ice": month.ice,
        "cbp": month.cbp,
        "total": month.total,
        "as_of": month.as_of.isoformat(),
    }


def facility_chart(facility_name: str, rows: list[FacilityPopulation]) -> Chart:
    return Chart(
        name="facility-population",
        title=_("Average daily population of %(name)s") % {"name": facility_name},
        description=_(
            "Average daily population (security levels A to D added up) in each ICE release "
            "that lists the facility, by the date ICE pulled the data. ICE's facility table "
            "averages over the fiscal year to the pull date, so the series starts afresh each "
            "October."
        ),
        x="as_of",
        columns=[
            Column("as_of", _("Date (ICE pull date)")),
            Column("population", _("Average daily population"), numeric=True),
            Column("level_a", _("Level A"), numeric=True),
            Column("level_b", _("Level B"), numeric=True),
            Column("level_c", _("Level C"), numeric=True),
            Column("level_d", _("Level D"), numeric=True),
            Column("alos", _("Average stay (days)"), numeric=True),
            Column("release", _("ICE release")),
        ],
        rows=[
            {
                "as_of": row.pull_date.isoformat(),
                "population": _round(row.population),
                "level_a": _round(row.level_a),
                "level_b": _round(row.level_b),
                "level_c": _round(row.level_c),
                "level_d": _round(row.level_d),
                "alos": _round(row.alos),
                "release": f"FY{row.fiscal_year}, {row.file_date.isoformat()}",
            }
            for row in rows
        ],
        series=[Series("population", _("Average daily population"), "population", "line")],
        sources=[ICE_RELEASES],
        as_of=rows[-1].pull_date if rows else None,
        y_label=_("Average daily population"),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _unique(sources) -> list[Source]:
    seen: list[Source] = []
    for source in sources:
        if source not in seen:
            seen.append(source)
    return seen


DASHBOARD_CHARTS: dict[str, Callable[[Statistics], Chart]] = {
    "removals": removals_chart,
    "detention-population": population_chart,
    "deaths": deaths_chart,
    "book-ins": book_ins_chart,
}
