from dataclasses import dataclass
from datetime import date

import pytest

from incidents.models import IncidentType
from stats.models import IceStat, PeriodType
from tests.incidents.factories import IncidentFactory
from tests.stats.factories import (
    BookInsFactory,
    DetainedFactory,
    DetentionFacilityFactory,
    FacilityPopulationFactory,
    IceStatFactory,
    RemovalsFactory,
)

TODAY = date(2026, 11, 21)  # FY2027 has started; the data ends with the pull of 2026-04-02


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr("stats.views.today", lambda: TODAY)


@dataclass
class World:
    stewart: object
    draft_death: object


def detained_release(fiscal_year, file_date, pull_date, total, convicted, pending, note=""):
    release = {
        "fiscal_year": fiscal_year,
        "file_date": file_date,
        "pull_date": pull_date,
        "quality_note": note,
    }
    DetainedFactory(**release, criminality="Total", ice=total, cbp=0, total=total)
    DetainedFactory(**release, criminality="Convicted Criminal", ice=convicted, cbp=0)
    DetainedFactory(**release, criminality="Pending Criminal Charges", ice=pending, cbp=0)


def build_world(extra: int = 0) -> World:
    """A small, realistic set of statistics; `extra` adds more of everything (same shape)."""
    IceStatFactory(fiscal_year=2016, administration="obama_2", total_deportations=240255)
    IceStatFactory(
        fiscal_year=2017,
        administration="trump_1",
        total_deportations=226119,
        source_name="ICE FY2017 ERO report",
    )
    IceStatFactory(
        fiscal_year=2025,
        administration="trump_2",
        total_deportations=319980,
        deaths_in_detention=21,
        as_of=date(2025, 9, 15),
        source_name="ICE FY2025 spreadsheet (pull 2025-09-15)",
        note="removals: year to date",
    )
    IceStatFactory(
        stat_date=date(2025, 1, 1),
        period_type=PeriodType.CALENDAR_YEAR,
        fiscal_year=None,
        administration="trump_2",
        citizens_detained=170,
        as_of=date(2025, 10, 5),
        source_name="ProPublica",
        source_url="https://www.propublica.org/",
        note="Lower bound: more than 170 US citizens.",
    )
    RemovalsFactory(fiscal_year=2026, removals=234236)
    RemovalsFactory(
        fiscal_year=2026, file_date=date(2026, 2, 12), pull_date=date(2026, 2, 5), removals=162192
    )
    RemovalsFactory(
        fiscal_year=2026,
        file_date=date(2026, 4, 10),
        pull_date=date(2026, 4, 3),
        removals=999999,
        quality_note="labelled FY2026 but suspect",
    )
    detained_release(2026, date(2026, 4, 9), date(2026, 4, 2), 60311, 17600, 15000)
    detained_release(2026, date(2026, 2, 12), date(2026, 2, 5), 70000, 20000, 20000)
    for agency, value in (("ICE", 30000), ("CBP", 1000), ("all", 31000)):
        BookInsFactory(arresting_agency=agency, book_ins=value)
    stewart = DetentionFacilityFactory(name="STEWART DETENTION CENTER", state="GA")
    FacilityPopulationFactory(facility=stewart, population=2026.0)
    FacilityPopulationFactory(
        facility=stewart,
        file_date=date(2026, 2, 12),
        pull_date=date(2026, 2, 5),
        population=1900.0,
    )
    for state, population in (("TX", 1741.0), ("TX", 553.0), ("CA", 1200.0)):
        FacilityPopulationFactory(facility__state=state, population=population)
    IncidentFactory(incident_type=IncidentType.DEATH_DETENTION, incident_date=date(2026, 1, 10))
    draft = IncidentFactory(
        incident_type=IncidentType.DEATH_DETENTION, incident_date=date(2026, 1, 11), is_public=False
    )
    more_data(extra)
    return World(stewart=stewart, draft_death=draft)


def more_data(extra: int) -> None:
    """More of everything, in the same shape: pages must not run more queries for it."""
    for n in range(extra):
        IceStatFactory(fiscal_year=2010 + n, administration="obama_1", total_deportations=1000 + n)
        detained_release(2025, date(2025, 3, 1 + n), date(2025, 2, 1 + n), 50000 + n, 20000, 10000)
        IncidentFactory(
            incident_type=IncidentType.DEATH_DETENTION, incident_date=date(2024, 1, 1 + n)
        )
        FacilityPopulationFactory(facility__state="NM", population=100.0 + n)
        BookInsFactory(
            fiscal_year=2025,
            month=date(2025, 1 + n, 1),
            file_date=date(2025, 9, 25),
            pull_date=date(2025, 9, 15),
        )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def trac_figure(db) -> IceStat:
    return IceStatFactory(
        stat_date=date(2026, 7, 1),
        period_type=PeriodType.MONTH,
        fiscal_year=2026,
        administration="trump_2",
        detention_population=65765,
        pct_no_conviction="70.60",
        as_of=date(2026, 7, 11),
        source_name="TRAC",
        source_url="https://tracreports.org/immigration/quickfacts/",
    )
