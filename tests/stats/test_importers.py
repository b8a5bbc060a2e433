"""The statistics importers, through their management commands and run_import."""

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from icetracker.pagecache import versions
from imports.models import ImportRun
from imports.runner import run_import
from stats.apps import StatsConfig
from stats.importers import (
    FacilitiesImporter,
    MonthlyPopulationImporter,
    RemovalsImporter,
    importer_for_detention_file,
)
from stats.models import (
    Agency,
    BookIns,
    DetainedByCriminality,
    DetentionFacility,
    FacilityPopulation,
    IceStat,
    MonthlyPopulation,
    RemovalsToDate,
    StayLength,
)

pytestmark = pytest.mark.django_db

DATA = settings.BASE_DIR / "data" / "stats"
RELEASE = "2026,2026-04-09,2026-04-02"

REMOVALS = (
    "removals,fiscal_year,file_date,pull_date\n"
    "271484.0,2024,2024-12-31,2024-10-07\n"
    "29817.0,2024,2024-11-15,2024-10-28\n"
    "29817.0,2025,2024-11-21,2024-10-28\n"
    "40658.0,2025,2024-12-11,2024-11-12\n"
)

ADP_HEADER = "agency,month,date,adp,adp_fy_ytd,fiscal_year,file_date,pull_date\n"
ADP = ADP_HEADER + "".join(
    f"{label},Oct,2025-10-01,{value},{value},{RELEASE}\n"
    for label, value in [
        ("CBP Average", "100.5"),
        ("Convicted Criminal", "10.0"),
        ("Pending Criminal Charges", "20.0"),
        ("Other Immigration Violator", "70.5"),
        ("ICE Average", "1000.25"),
        ("Convicted Criminal", "400.0"),
        ("Pending Criminal Charges", "300.0"),
        ("Other Immigration Violator", "300.25"),
        ("Average", "1100.75"),
        ("Convicted Criminal", "410.0"),
        ("Pending Criminal Charges", "320.0"),
        ("Other Immigration Violator", "370.75"),
    ]
)

FACILITIES_HEADER = (
    "name,address,city,state,zip,aor,type_detailed,male_female,level_a,level_b,level_c,level_d,"
    "male_crim,alos,fiscal_year,file_date,pull_date\n"
)
FACILITIES = FACILITIES_HEADER + (
    "STEWART DETENTION CENTER,146 CCA ROAD,LUMPKIN,GA,31815,ATL,DIGSA,Male,"
    "1150.5,314.5,237.0,207.0,882.9,44.8,2026,2026-04-09,2026-04-02\n"
    "Stewart Detention Center,146 CCA ROAD,Lumpkin,GA,31815,ATL,DIGSA,Male,"
    "1000,300,200,100,800,40,2026,2026-02-12,2026-02-05\n"
    "ELIZABETH CONTRACT DETENTION FACILITY,625 EVANS STREET,ELIZABETH,,7201,NEW,CDF,Female/Male,"
    ",14.1,5.5,2.0,10.0,2.0,2026,2026-04-09,2026-04-02\n"
    "ELIZABETH CONTRACT DETENTION FACILITY,625 EVANS STREET,ELIZABETH,NJ,7201,NEW,CDF,Female/Male,"
    "1,14.1,5.5,2.0,10.0,2.0,2026,2026-02-12,2026-02-05\n"
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=out)
    return out.getvalue()


# --- Detention statistics ---------------------------------------------------------------------


def test_removals_import_flags_the_mislabelled_release_and_is_idempotent(tmp_path):
    path = write(tmp_path, "removals.csv", REMOVALS)
    output = run("import_detention_stats", str(path))
    assert "created 4, updated 0, unchanged 0, failed 0" in output
    assert "probably FY2025 data labelled FY2024" in output
    bad = RemovalsToDate.objects.get(fiscal_year=2024, file_date=date(2024, 11, 15))
    assert "FY2025 release dated 2024-11-21" in bad.quality_note
    assert RemovalsToDate.objects.usable().count() == 3
    assert bad.import_run.importer == "stats.removals"
    assert bad.source_url == "https://www.ice.gov/detain/detention-management"
    second = run("import_detention_stats", str(path))
    assert "created 0, updated 0, unchanged 4, failed 0" in second
    assert RemovalsToDate.history.count() == 4


def test_a_changed_value_is_an_update_with_history(tmp_path):
    path = write(tmp_path, "removals.csv", REMOVALS)
    run("import_detention_stats", str(path))
    path.write_text(REMOVALS.replace("40658.0", "40659.0"))
    output = run("import_detention_stats", str(path))
    assert "created 0, updated 1, unchanged 3" in output
    row = RemovalsToDate.objects.get(removals=40659)
    assert row.history.first().history_type == "~"
    assert row.import_run == ImportRun.objects.filter(dry_run=False).latest("pk")


def test_dry_run_counts_exactly_and_writes_nothing(tmp_path):
    path = write(tmp_path, "removals.csv", REMOVALS)
    output = run("import_detention_stats", str(path), "--dry-run")
    assert "[dry run] removals.csv: created 4" in output
    assert not RemovalsToDate.objects.exists()
    assert not RemovalsToDate.history.exists()
    assert ImportRun.objects.get().dry_run


def test_adp_sections_come_from_the_row_order(tmp_path):
    run("import_detention_stats", str(write(tmp_path, "adp-by-agency-criminality.csv", ADP)))
    rows = {(r.agency, r.criminality): r.adp for r in MonthlyPopulation.objects.all()}
    assert rows[(Agency.CBP, "Total")] == 100.5
    assert rows[(Agency.CBP, "Convicted Criminal")] == 10.0
    assert rows[(Agency.ICE, "Other Immigration Violator")] == 300.25
    assert rows[(Agency.ALL, "Total")] == 1100.75
    assert rows[(Agency.ALL, "Pending Criminal Charges")] == 320.0
    assert len(rows) == 12
    row = MonthlyPopulation.objects.get(agency=Agency.CBP, criminality="Total")
    assert row.source_label == "CBP Average"


def test_a_criminality_row_before_any_section_is_an_error(tmp_path):
    text = ADP_HEADER + f"Convicted Criminal,Oct,2025-10-01,1,1,{RELEASE}\n"
    with pytest.raises(CommandError):
        run("import_detention_stats", str(write(tmp_path, "adp-by-agency-criminality.csv", text)))
    run_ = ImportRun.objects.get()
    assert run_.errors[0]["line"] == 2
    assert run_.errors[0]["column"] == "agency"
    assert "must follow its section's average row" in run_.errors[0]["message"]


def test_a_month_name_that_does_not_match_its_date_is_an_error(tmp_path):
    text = ADP_HEADER + f"CBP Average,Nov,2025-10-01,1,1,{RELEASE}\n"
    run_ = run_import(MonthlyPopulationImporter(), write(tmp_path, "adp.csv", text))
    assert run_.status == "failed"
    assert run_.errors[0]["column"] == "month"
    assert run_.errors[0]["value"] == "Nov"


def test_stay_length_and_book_ins_and_currently_detained(tmp_path):
    stay = ADP.replace("adp,adp_fy_ytd", "avg_stay_length_days,avg_stay_length_days_fy_ytd")
    book_ins = (
        "arresting_agency,month,date,n_book_ins,n_book_ins_ytd,fiscal_year,file_date,pull_date\n"
        f"Total,Oct,2025-10-01,40551.0,510854.0,{RELEASE}\n"
        f"CBP,Oct,2025-10-01,28659.0,300000.0,{RELEASE}\n"
        f"ICE,Oct,2025-10-01,11892.0,210854.0,{RELEASE}\n"
        f"ICE,Nov,2025-11-01,,210854.0,{RELEASE}\n"
    )
    detained = (
        "criminality,ice,percent_ice,cbp,percent_cbp,total,fiscal_year,file_date,pull_date\n"
        f"Total,60000.0,0.99,311.0,0.01,60311.0,{RELEASE}\n"
        f"Convicted Criminal,17000.0,0.98,300.0,0.02,17300.0,{RELEASE}\n"
    )
    for name, text in [
        ("stay-length-by-agency-criminality.csv", stay),
        ("book-ins-by-arresting-agency.csv", book_ins),
        ("currently-detained-by-criminality.csv", detained),
    ]:
        write(tmp_path, name, text)
    output = run("import_detention_stats", str(tmp_path))
    assert output.count("failed 0") == 3
    assert StayLength.objects.get(agency="ICE", criminality="Total").avg_stay_length_days == 1000.25
    assert BookIns.objects.get(arresting_agency="all").book_ins == 40551
    assert BookIns.objects.get(arresting_agency="ICE", month=date(2025, 11, 1)).book_ins is None
    assert DetainedByCriminality.objects.get(criminality="Total").total == 60311


def test_currently_detained_total_must_be_ice_plus_cbp(tmp_path):
    text = (
        "criminality,ice,percent_ice,cbp,percent_cbp,total,fiscal_year,file_date,pull_date\n"
        f"Total,60000,0.99,311,0.01,60000,{RELEASE}\n"
    )
    with pytest.raises(CommandError):
        run(
            "import_detention_stats",
            str(write(tmp_path, "currently-detained-by-criminality.csv", text)),
        )
    assert "is not ice + cbp (60311)" in ImportRun.objects.get().errors[0]["message"]


def test_facilities_are_matched_across_releases_and_keep_every_listing(tmp_path):
    text = FACILITIES + (
        "STEWART DETENTION CENTER,146 CCA ROAD,LUMPKIN,GA,31815,ATL,DIGSA,Male,"
        "1,1,1,1,1,1,2026,2026-04-09,2026-04-02\n"
    )
    output = run("import_detention_stats", str(write(tmp_path, "facilities.csv", text)))
    assert "created 7" in output  # two facilities, five listings
    assert "STEWART DETENTION CENTER (LUMPKIN) is listed 2 times" in output
    assert "ELIZABETH CONTRACT DETENTION FACILITY has no state; its other listings say NJ" in output
    stewart = DetentionFacility.objects.get(key="STEWART DETENTION CENTER|LUMPKIN")
    assert stewart.name == "STEWART DETENTION CENTER"
    assert (stewart.first_pull_date, stewart.last_pull_date) == (date(2026, 2, 5), date(2026, 4, 2))
    elizabeth = DetentionFacility.objects.get(city="ELIZABETH")
    assert elizabeth.state == "NJ"
    assert elizabeth.zip_code == "07201"
    latest = FacilityPopulation.objects.get(facility=elizabeth, pull_date=date(2026, 4, 2))
    assert latest.state == ""  # as listed
    assert latest.zip_code == "7201"
    assert latest.level_a is None
    assert latest.population == pytest.approx(21.6)
    listings = FacilityPopulation.objects.filter(facility=stewart, pull_date=date(2026, 4, 2))
    assert sorted(listings.values_list("listing", flat=True)) == [1, 2]
    assert all("lists this facility 2 times" in r.quality_note for r in listings)
    assert "created 0, updated 0, unchanged 7" in run(
        "import_detention_stats", str(tmp_path / "facilities.csv")
    )


def test_a_partial_file_keeps_the_facility_details_of_later_releases(tmp_path):
    run("import_detention_stats", str(write(tmp_path, "facilities.csv", FACILITIES)))
    older = FACILITIES_HEADER + FACILITIES.splitlines(keepends=True)[2]
    run_import(FacilitiesImporter(), write(tmp_path, "facilities-old.csv", older))
    stewart = DetentionFacility.objects.get(key="STEWART DETENTION CENTER|LUMPKIN")
    assert stewart.name == "STEWART DETENTION CENTER"
    assert stewart.last_pull_date == date(2026, 4, 2)


def test_importer_is_chosen_by_file_name(tmp_path):
    assert isinstance(importer_for_detention_file(Path("removals.csv")), RemovalsImporter)
    assert isinstance(
        importer_for_detention_file(Path("facilities-2026-04.csv")), FacilitiesImporter
    )
    assert importer_for_detention_file(Path("removal.csv")) is None
    with pytest.raises(CommandError, match="no importer for this file name"):
        run("import_detention_stats", str(write(tmp_path, "other.csv", "a\n1\n")))


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "column", "message"),
    [
        (
            "removals,fiscal_year,file_date\n1,2025,2025-01-01\n",
            1,
            None,
            "missing required column(s): pull_date",
        ),
        (
            "removals,fiscal_year,file_date,pull_date\nmany,2025,2025-01-09,2025-01-01\n",
            2,
            "removals",
            "not a whole number",
        ),
        (
            b"\xef\xbb\xbfremovals,fiscal_year,file_date,pull_date\n1,2025,2025-01-09,2025-01-01\n",
            1,
            1,
            "byte-order mark",
        ),
        (
            "removals;fiscal_year;file_date;pull_date\n1;2025;2025-01-09;2025-01-01\n",
            1,
            None,
            "semicolon-separated",
        ),
        ("", 1, None, "the file is empty"),
        (
            "removals,fiscal_year,file_date,pull_date\n1,2025,2025-01-09,2025-01-01\n2,2025,2025-01-09,2025-01-01\n",
            3,
            None,
            "duplicate key",
        ),
        (
            "removals,fiscal_year,file_date,pull_date\n1,2025,09/01/2025,2025-01-01\n",
            2,
            "file_date",
            "not a date",
        ),
        (
            "removals,fiscal_year,file_date,pull_date\n-5,2025,2025-01-09,2025-01-01\n",
            2,
            "removals",
            "at least 0",
        ),
    ],
    ids=[
        "missing-column",
        "non-numeric",
        "bom",
        "wrong-delimiter",
        "empty",
        "duplicate-key",
        "bad-date",
        "negative",
    ],
)
def test_bad_input_is_a_clear_error_that_writes_nothing(tmp_path, content, line, column, message):
    path = write(tmp_path, "removals.csv", content)
    out = StringIO()
    with pytest.raises(CommandError, match="nothing written for: removals.csv"):
        call_command("import_detention_stats", str(path), stdout=out, stderr=out)
    error = ImportRun.objects.get().errors[0]
    assert (error["line"], error["column"]) == (line, column)
    assert message in error["message"]
    assert f"line {line}" in out.getvalue()
    assert not RemovalsToDate.objects.exists()


def test_one_bad_row_among_good_ones_writes_nothing(tmp_path):
    text = REMOVALS + "lots,2025,2025-01-16,2025-01-06\n"
    with pytest.raises(CommandError):
        run("import_detention_stats", str(write(tmp_path, "removals.csv", text)))
    run_ = ImportRun.objects.get()
    assert (run_.rows_read, run_.failed) == (5, 1)
    assert run_.errors[0] == {
        "line": 6,
        "column": "removals",
        "value": "lots",
        "message": "not a whole number",
        "column_number": 1,
    }
    assert not RemovalsToDate.objects.exists()


# --- Annual figures ------------------------------------------------------------------------------

ANNUAL_HEADER = "fiscal_year,metric,value,source_name,source_url,note\n"


def test_annual_figures_become_one_ice_stat_per_year_and_source(tmp_path):
    text = ANNUAL_HEADER + (
        "2014,removals,315943,ICE removal statistics,https://www.ice.gov/removal-statistics,\n"
        "2014,interior_removals,102224,ICE removal statistics,https://www.ice.gov/removal-statistics,\n"
        "2014,border_removals,213719,ICE removal statistics,https://www.ice.gov/removal-statistics,\n"
        "2017,arrests,143470,ICE FY2017 ERO report,https://www.ice.gov/removal-statistics,"
        "92% had a conviction\n"
        "2025,removals,319980,ICE spreadsheet (pull 2025-09-15),"
        "https://www.ice.gov/detain/detention-management,year to date\n"
    )
    path = write(tmp_path, "annual-figures.csv", text)
    assert "created 3" in run("import_annual_figures", str(path))
    fy2014 = IceStat.objects.get(fiscal_year=2014)
    assert (fy2014.total_deportations, fy2014.interior_removals, fy2014.border_removals) == (
        315943,
        102224,
        213719,
    )
    assert fy2014.stat_date == date(2013, 10, 1)
    assert fy2014.period_type == "fiscal_year"
    assert fy2014.administration == "obama_2"
    assert fy2014.as_of == date(2014, 9, 30)
    fy2017 = IceStat.objects.get(fiscal_year=2017)
    assert fy2017.administration == "trump_1"  # in office for most of FY2017
    assert fy2017.note == "arrests: 92% had a conviction"
    assert IceStat.objects.get(fiscal_year=2025).as_of == date(2025, 9, 15)
    assert "unchanged 3" in run("import_annual_figures", str(path))


def test_an_unknown_metric_names_line_column_and_value(tmp_path):
    text = (
        ANNUAL_HEADER
        + "2020,removals,1,A,https://a.example/,\n2021,deportees,5,A,https://a.example/,\n"
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_annual_figures",
            str(write(tmp_path, "annual.csv", text)),
            stdout=out,
            stderr=out,
        )
    assert "line 3, column 'metric' (#2): unknown value; expected one of removals" in out.getvalue()
    assert "(value 'deportees')" in out.getvalue()
    assert not IceStat.objects.exists()


def test_conflicting_annual_figures_are_reported(tmp_path):
    text = ANNUAL_HEADER + (
        "2018,deaths_in_detention,9,New York Daily News,https://www.nydailynews.com/,\n"
        "2018,deaths_in_detention,6,Other outlet,https://other.example/,\n"
        "2014,removals,315943,ICE,https://www.ice.gov/,\n"
        "2014,interior_removals,100000,ICE,https://www.ice.gov/,\n"
        "2014,border_removals,213719,ICE,https://www.ice.gov/,\n"
    )
    output = run("import_annual_figures", str(write(tmp_path, "annual.csv", text)))
    assert (
        "FY2018: conflicting figures for deaths_in_detention: "
        "9 (New York Daily News); 6 (Other outlet)" in output
    )
    assert (
        "interior (100000) + border (213719) removals = 313719, not the total of 315943" in output
    )
    assert IceStat.objects.count() == 3  # reported, and both sources kept


def test_annual_removals_are_checked_against_ices_year_end_spreadsheet(tmp_path):
    run("import_detention_stats", str(write(tmp_path, "removals.csv", REMOVALS)))
    text = ANNUAL_HEADER + "2024,removals,271000,Press,https://press.example/,\n"
    output = run("import_annual_figures", str(write(tmp_path, "annual.csv", text)))
    assert (
        "FY2024: removals 271000 (Press) differ from ICE's year-end spreadsheet, 271484" in output
    )


# --- ice_stats format ---------------------------------------------------------------------------

STATS_HEADER = (
    "stat_date,period_type,fiscal_year,administration,citizens_detained,pct_no_conviction,"
    "source_name,source_url,as_of,note\n"
)


def test_ice_stats_csv_import(tmp_path):
    text = STATS_HEADER + (
        "2025-01-01,calendar_year,,trump_2,170,,ProPublica,https://www.propublica.org/,"
        "2025-10-05,Lower bound\n"
        ",fiscal_year,2023,,,,ICE,https://www.ice.gov/,,\n"
        "2026-07-01,month,,,,70.60,TRAC,https://tracreports.org/immigration/quickfacts/,2026-07-11,\n"
    )
    path = write(tmp_path, "stats.csv", text)
    assert "created 3" in run("import_ice_stats", str(path))
    citizens = IceStat.objects.get(source_name="ProPublica")
    assert (citizens.citizens_detained, citizens.as_of, citizens.administration) == (
        170,
        date(2025, 10, 5),
        "trump_2",
    )
    fiscal = IceStat.objects.get(source_name="ICE")
    assert (fiscal.stat_date, fiscal.administration) == (date(2022, 10, 1), "biden")
    trac = IceStat.objects.get(source_name="TRAC")
    assert (trac.fiscal_year, trac.pct_no_conviction, trac.administration) == (
        2026,
        Decimal("70.60"),
        "trump_2",
    )
    assert "unchanged 3" in run("import_ice_stats", str(path))


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("2025-01-01,calendar_year,,biden,1,,S,,2025-10-05,", None, None),
        (
            "2025-01-01,calendar_year,,obama_1,1,,S,,2025-10-05,",
            "administration",
            "not in office during the period",
        ),
        ("2025-02-01,fiscal_year,,,1,,S,,,", "stat_date", "a fiscal_year starts on 10-01"),
        ("2025-10-01,fiscal_year,2025,,1,,S,,,", "fiscal_year", "is in FY2026"),
        ("2025-03-01,month,,,,101,S,,,", "pct_no_conviction", "at most 100"),
        ("2025-03-01,month,,,,50.123,S,,,", "pct_no_conviction", "at most two decimal places"),
        ("2025-03-01,month,,,,,S,,2025-02-01,", "as_of", "before the period starts"),
        ("2025-03-01,week,,,,,S,,,", "period_type", "unknown value"),
        (",month,,,,,S,,,", "stat_date", "a value is required"),
        ("2025-03-01,month,,,,,,,,", "source_name", "a value is required"),
    ],
)
def test_ice_stats_rows_must_be_consistent(tmp_path, row, column, message):
    path = write(tmp_path, "stats.csv", STATS_HEADER + row + "\n")
    if message is None:
        assert "created 1" in run("import_ice_stats", str(path))
        return
    with pytest.raises(CommandError):
        run("import_ice_stats", str(path))
    error = ImportRun.objects.get().errors[0]
    assert error["column"] == column
    assert message in error["message"]


def test_an_export_of_the_table_is_accepted(tmp_path):
    text = (
        "id,stat_date,period_type,source_name,total_deportations,created_at,updated_at\n"
        "7,2023-10-01,fiscal_year,ICE,1000,x,y\n"
    )
    assert "created 1" in run("import_ice_stats", str(write(tmp_path, "export.csv", text)))
    assert IceStat.objects.get().fiscal_year == 2024


# --- Cache invalidation and the bundle --------------------------------------------------------


def test_a_successful_import_invalidates_the_statistics_pages(
    tmp_path, django_capture_on_commit_callbacks
):
    path = write(tmp_path, "removals.csv", REMOVALS)
    before = versions(("stats",))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run("import_detention_stats", str(path), "--dry-run")
    assert not callbacks
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run("import_detention_stats", str(path))
    assert callbacks
    assert versions(("stats",)) != before
    after = versions(("stats",))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run("import_detention_stats", str(path))  # nothing changed: nothing to invalidate
    assert not callbacks
    assert versions(("stats",)) == after


def test_bundled_data_lists_the_shipped_files():
    commands = StatsConfig.bundled_data(StatsConfig("stats", __import__("stats")))
    assert [command for command, _args in commands] == [
        "import_detention_stats",
        "import_annual_figures",
        "import_ice_stats",
    ]
    for _command, args in commands:
        assert all(Path(arg).exists() for arg in args)


def test_the_real_releases_with_the_wrong_fiscal_year_are_flagged():
    """The two cases of data/stats/README.md, in the real files."""
    for name in ("removals.csv", "currently-detained-by-criminality.csv"):
        run("import_detention_stats", str(DATA / "ice-detention-stats" / name))
    fy21 = RemovalsToDate.objects.get(fiscal_year=2021, file_date=date(2021, 10, 28))
    assert "probably FY2020 data labelled FY2021" in fy21.quality_note
    fy24 = DetainedByCriminality.objects.filter(fiscal_year=2024, file_date=date(2024, 11, 15))
    assert all("probably FY2025 data labelled FY2024" in row.quality_note for row in fy24)
    assert (
        RemovalsToDate.objects.usable().filter(fiscal_year=2026).latest("pull_date").removals
        == 234236
    )


def test_the_real_annual_figures_and_ice_stats_files_import_cleanly():
    output = run("import_annual_figures", str(DATA / "annual-figures.csv"))
    assert "failed 0" in output
    output = run("import_ice_stats", str(DATA / "ice-stats"))
    assert output.count("failed 0") == 2
    citizens = IceStat.objects.get(citizens_detained__isnull=False)
    assert citizens.citizens_detained == 170
    assert "Lower bound" in citizens.note
