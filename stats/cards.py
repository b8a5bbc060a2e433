"""The dashboard's key figures. A card with no sourced figure says "no data", never 0, and
every card says which period and as-of date its figure really has."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from incidents.models import IncidentType
from stats.fiscal import fiscal_year_end, fiscal_year_start
from stats.queries import (
    ICE_RELEASES,
    TRACKER,
    Figure,
    Source,
    Statistics,
    citizens_figures,
    no_conviction_figures,
    population_figures,
)


@dataclass
class Card:
    key: str
    title: str
    value: int | float | Decimal | None
    period: str = ""
    source: Source | None = None
    unit: str = ""
    lower_bound: bool = False
    note: str = ""
    more: list[str] = field(default_factory=list)
    link: tuple[str, str] | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None and self.source is not None


def _from_figure(key: str, title: str, figures: list[Figure], unit: str = "") -> Card:
    if not figures:
        return Card(key, title, None, _("No sourced figure"))
    best = figures[0]
    period = best.period
    if best.as_of and best.as_of.isoformat() not in period:
        period = _("%(period)s, as of %(day)s") % {"period": period, "day": best.as_of}
    card = Card(key, title, best.value, period, best.source, unit, best.lower_bound, best.note)
    for other in figures[1:2]:
        card.more.append(
            _("%(source)s: %(value)s%(unit)s (%(period)s)")
            % {
                "source": other.source.name,
                "value": _format(other.value),
                "unit": unit,
                "period": other.period
                if not other.as_of or other.as_of.isoformat() in other.period
                else f"{other.period}, {other.as_of}",
            }
        )
    return card


def _format(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}" if value is not None else ""


def population_card(statistics: Statistics) -> Card:
    return _from_figure(
        "population",
        _("People in ICE detention"),
        population_figures(statistics.stats, statistics.population),
    )


def no_conviction_card(statistics: Statistics) -> Card:
    return _from_figure(
        "no-conviction",
        _("Share of people detained with no criminal conviction"),
        no_conviction_figures(statistics.stats, statistics.population),
        unit="%",
    )


def removals_card(statistics: Statistics) -> Card:
    title = _("Removals in the fiscal year to date")
    release = statistics.latest_removals_release()
    if release is None:
        return Card("removals", title, None, _("No sourced figure"))
    year, current = release.fiscal_year, statistics.current_fiscal_year
    if release.pull_date >= fiscal_year_end(year):
        period = _("FY%(year)s (full year), as of %(day)s")
    else:
        period = _("FY%(year)s to date, as of %(day)s")
    card = Card(
        "removals",
        title,
        release.removals,
        period % {"year": year, "day": release.pull_date},
        ICE_RELEASES,
    )
    if year < current:
        card.more.append(
            _("No figure yet for FY%(year)s, the current fiscal year (since %(start)s).")
            % {"year": current, "start": fiscal_year_start(current)}
        )
    return card


def deaths_card(statistics: Statistics) -> Card:
    current = statistics.current_fiscal_year
    title = _("Deaths in detention, FY%(year)s") % {"year": current}
    years = {year.fiscal_year: year for year in statistics.deaths}
    this_year = years.get(current)
    link = (_deaths_url(current), _("Deaths in detention published in this tracker"))
    if this_year and this_year.official is not None:
        card = Card(
            "deaths",
            title,
            this_year.official,
            _("FY%(year)s, as of %(day)s") % {"year": current, "day": this_year.official_as_of},
            this_year.official_source,
            note=this_year.official_note,
            link=link,
        )
    elif this_year and this_year.tracker:
        card = Card(
            "deaths",
            title,
            this_year.tracker,
            _("FY%(year)s to date (since %(start)s): incidents published in this tracker")
            % {"year": current, "start": fiscal_year_start(current)},
            TRACKER,
            link=link,
        )
    else:
        card = Card(
            "deaths",
            title,
            None,
            _("No official figure and no published incident for FY%(year)s yet (since %(start)s).")
            % {"year": current, "start": fiscal_year_start(current)},
            link=link,
        )
    card.more += _earlier_deaths(statistics, current)
    return card


def _deaths_url(fiscal_year: int) -> str:
    query = {
        "type": IncidentType.DEATH_DETENTION,
        "date_after": fiscal_year_start(fiscal_year).isoformat(),
        "date_before": fiscal_year_end(fiscal_year).isoformat(),
    }
    return f"{reverse('incidents:list')}?{urlencode(query)}"


def _earlier_deaths(statistics: Statistics, current: int) -> list[str]:
    lines = []
    official = [y for y in statistics.deaths if y.official is not None and y.fiscal_year < current]
    if official:
        last = official[-1]
        lines.append(
            _("Latest official or press count: %(n)s in FY%(year)s (%(source)s, as of %(day)s).")
            % {
                "n": last.official,
                "year": last.fiscal_year,
                "source": last.official_source.name,
                "day": last.official_as_of,
            }
        )
    tracked = [y for y in statistics.deaths if y.tracker and y.fiscal_year < current]
    if tracked:
        last = tracked[-1]
        lines.append(
            _("Published in this tracker for FY%(year)s: %(n)s.")
            % {"year": last.fiscal_year, "n": last.tracker}
        )
    return lines


def citizens_card(statistics: Statistics) -> Card:
    return _from_figure(
        "citizens",
        _("US citizens detained by immigration agents"),
        citizens_figures(statistics.stats),
    )


def key_cards(statistics: Statistics) -> list[Card]:
    return [
        population_card(statistics),
        no_conviction_card(statistics),
        removals_card(statistics),
        deaths_card(statistics),
        citizens_card(statistics),
    ]
