"""The dashboard, the chart CSVs and the detention-facility pages, through HTTP."""

import csv
import io
import json
import re
from datetime import date
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from icetracker.pagecache import bump
from tests.stats.conftest import build_world, more_data
from tests.stats.factories import (
    BookInsFactory,
    DetentionFacilityFactory,
    FacilityPopulationFactory,
)

pytestmark = pytest.mark.django_db

CHARTS = ("removals", "detention-population", "deaths", "book-ins")


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def card(response, key: str) -> str:
    html = response.content.decode()
    start = html.index(f'id="card-{key}"')
    return unescape(re.sub(r"<[^>]+>|\s+", " ", html[start : html.index("</article>", start)]))


def chart_data(response, name: str) -> dict:
    html = response.content.decode()
    found = re.search(
        rf'<script id="chart-data-{name}" type="application/json">(.*?)</script>', html
    )
    return json.loads(found.group(1))


def csv_rows(client, name: str) -> list[dict]:
    response = client.get(f"/charts/{name}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- Dashboard ---------------------------------------------------------------------------------


def test_an_empty_dashboard_says_no_data_never_zero(client):
    response = client.get("/")
    assert response.status_code == 200
    for key in ("population", "no-conviction", "removals", "deaths", "citizens"):
        assert "No data" in card(response, key), key
    assert not re.search(r'class="stat-value">\s*0', response.content.decode())
    assert "No data: no sourced figure has been imported for this chart." in text(response)


def test_cards_give_the_period_and_as_of_date_they_really_have(client, world):
    response = client.get("/")
    removals = card(response, "removals")
    assert "234,236" in removals
    assert "FY2026 to date, as of 2026-04-02" in removals
    assert "No figure yet for FY2027, the current fiscal year (since 2026-10-01)" in removals
    population = card(response, "population")
    assert "60,311" in population
    assert "in detention on 2026-04-02" in population
    assert "ICE detention statistics" in population
    share = card(response, "no-conviction")
    assert "70.8%" in share  # (60311 - 17600) / 60311
    citizens = card(response, "citizens")
    assert "more than 170" in citizens
    assert "ProPublica" in citizens
    assert "as of 2025-10-05" in citizens


def test_a_more_recent_figure_from_another_source_leads_and_the_other_stays(
    client, world, trac_figure
):
    population = card(client.get("/"), "population")
    assert population.index("65,765") < population.index("60,311")
    assert "in detention on 2026-07-11" in population
    assert "TRAC" in population


def test_the_deaths_card_is_for_the_current_fiscal_year(client, world):
    deaths = card(client.get("/"), "deaths")
    assert "Deaths in detention, FY2027" in deaths
    assert "No data" in deaths
    assert "Latest official or press count: 21 in FY2025" in deaths
    assert "Published in this tracker for FY2026: 1." in deaths  # the draft is not counted
    assert "type=death_detention" in client.get("/").content.decode()


def test_deaths_chart_counts_published_incidents_only_and_links_to_them(client, world):
    rows = {row["fiscal_year"]: row for row in csv_rows(client, "deaths")}
    assert rows["2026"]["tracker"] == "1"
    assert rows["2026"]["official"] == ""  # no figure: empty, not 0
    assert rows["2025"]["official"] == "21"
    assert rows["2025"]["tracker"] == ""
    page = client.get("/").content.decode()
    assert "date_after=2025-10-01&amp;date_before=2026-09-30" in page
    assert 'href="/incidents/?type=death_detention"' in page


def test_removals_chart_names_the_administration_in_text(client, world):
    response = client.get("/")
    page = text(response)
    assert "Trump (1st term) for most of the year (Obama (2nd term) until 2017-01-19)" in page
    data = chart_data(response, "removals")
    labels = [dataset["label"] for dataset in data["datasets"]]
    assert labels == ["Obama (2nd term)", "Trump (1st term)", "Trump (2nd term)"]
    assert data["labels"] == ["FY2016", "FY2017", "FY2025*", "FY2026*"]
    rows = csv_rows(client, "removals")
    assert [(r["fiscal_year"], r["removals"]) for r in rows] == [
        ("2016", "240255"),
        ("2017", "226119"),
        ("2025", "319980"),
        ("2026", "234236"),  # the flagged release (999999) is left out
    ]
    assert rows[3]["period"] == "FY2026 to date, as of 2026-04-02"
    assert rows[3]["source_url"] == "https://www.ice.gov/detain/detention-management"


def test_every_chart_has_caption_table_csv_and_the_same_numbers(client, world):
    response = client.get("/")
    page = text(response)
    for name in CHARTS:
        data = chart_data(response, name)
        rows = csv_rows(client, name)
        assert len(rows) == len(data["labels"]), name
        assert f'href="/charts/{name}.csv"' in response.content.decode()
        assert f'id="chart-{name}"' in response.content.decode()
    population = chart_data(response, "detention-population")
    rows = csv_rows(client, "detention-population")
    plotted = {d["label"]: d["data"] for d in population["datasets"]}
    assert plotted["No criminal record"] == [int(r["no_record"]) for r in rows] == [30000, 27711]
    assert plotted["% with no conviction"] == [float(r["no_conviction_pct"]) for r in rows]
    assert page.count("Source:") >= 4
    assert page.count('<details class="chart-table">') == 4
    assert "As of: 2026-04-02" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_the_csv_download_is_an_attachment(client, world):
    response = client.get("/charts/removals.csv")
    assert response["Content-Disposition"] == 'attachment; filename="removals.csv"'


def test_flagged_releases_are_listed_not_charted(client, world):
    page = text(client.get("/"))
    assert "1 ICE release left out of the charts" in page
    assert "labelled FY2026 but suspect" in page


def test_the_dashboard_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    build_world()
    with django_assert_num_queries(7):
        assert client.get("/").status_code == 200
    more_data(5)
    bump("stats")
    with django_assert_num_queries(7):
        assert client.get("/").status_code == 200


def test_the_dashboard_is_cached_until_the_next_import(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    path = tmp_path / "removals.csv"
    path.write_text("removals,fiscal_year,file_date,pull_date\n250000,2026,2026-04-20,2026-04-16\n")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_detention_stats", str(path), stdout=io.StringIO())
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "FY2026 to date, as of 2026-04-16" in card(response, "removals")


def test_the_page_loads_chart_code_from_static_files_only(client, world):
    html = client.get("/").content.decode()
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in html
    assert '<script src="/static/js/stats-charts.js" defer></script>' in html
    assert "style=" not in html


# --- Detention facilities ---------------------------------------------------------------------


def test_detention_lists_the_latest_release_with_state_totals(client, world):
    response = client.get(reverse("stats:detention"))
    page = text(response)
    assert "4 facilities" in page
    assert "pulled on 2026-04-02" in page
    assert page.index("STEWART DETENTION CENTER") < page.index("1,741")  # largest first
    assert "Texas" in page
    assert "2,294" in page  # 1741 + 553
    assert "1,900" not in page  # the older release of Stewart


def test_detention_filters_by_state_and_sorts(client, world):
    response = client.get(reverse("stats:detention"), {"state": "TX", "sort": "population"})
    page = text(response)
    assert "2 facilities in Texas" in page
    assert "STEWART" not in page.split("Totals by state")[0]
    assert page.index("553") < page.index("1,741")


def test_detention_ignores_an_invalid_value_and_says_so(client, world):
    response = client.get(reverse("stats:detention"), {"state": "ZZ", "sort": "bogus"})
    assert response.status_code == 200
    page = text(response)
    assert "A value was not valid and was ignored" in page
    assert "4 facilities" in page


def test_detention_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    build_world()
    with django_assert_num_queries(4):
        client.get(reverse("stats:detention"))
    more_data(4)
    bump("stats")
    with django_assert_num_queries(4):
        client.get(reverse("stats:detention"))


def test_detention_without_data(client):
    assert "No data" in text(client.get(reverse("stats:detention")))


def test_facility_page_shows_the_trend_with_table_and_csv(client, world):
    url = world.stewart.get_absolute_url()
    assert url == f"/detention/{world.stewart.pk}-stewart-detention-center/"
    response = client.get(url)
    assert response.status_code == 200
    page = text(response)
    assert "146 Cca Road, Lumpkin, GA 31815" in page
    assert "2,026 (as of 2026-04-02)" in page
    data = chart_data(response, "facility-population")
    assert data["labels"] == ["2026-02-05", "2026-04-02"]
    assert data["datasets"][0]["data"] == [1900.0, 2026.0]
    csv_response = client.get(url + "population.csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert [r["population"] for r in rows] == ["1900.0", "2026.0"]


def test_facility_addresses_redirect_to_the_canonical_slug(client, world):
    response = client.get(f"/detention/{world.stewart.pk}-old-name/")
    assert response.status_code == 301
    assert response["Location"] == world.stewart.get_absolute_url()
    csv_response = client.get(f"/detention/{world.stewart.pk}-old-name/population.csv")
    assert csv_response["Location"] == world.stewart.get_absolute_url() + "population.csv"
    assert client.get("/detention/999999-nothing/").status_code == 404


def test_a_facility_with_no_usable_release_says_no_data(client):
    facility = DetentionFacilityFactory(last_pull_date=date(2020, 1, 1))
    response = client.get(facility.get_absolute_url())
    assert response.status_code == 200
    assert "No data" in text(response)


def test_book_ins_leave_out_months_not_over_at_the_pull_date(client, world):
    BookInsFactory(arresting_agency="ICE", month=date(2026, 4, 1), book_ins=4152)  # pulled 04-02
    BookInsFactory(arresting_agency="ICE", month=date(2026, 5, 1), book_ins=0)  # the future
    rows = csv_rows(client, "book-ins")
    assert [(r["month"], r["ice"], r["cbp"]) for r in rows] == [("2026-03", "30000", "1000")]


def test_the_facility_page_runs_a_constant_number_of_queries(
    client, world, django_assert_num_queries
):
    url = world.stewart.get_absolute_url()
    with django_assert_num_queries(3):
        client.get(url)
    for day in range(1, 6):
        FacilityPopulationFactory(
            facility=world.stewart, file_date=date(2025, 3, day), pull_date=date(2025, 2, day)
        )
    bump("stats")
    with django_assert_num_queries(3):
        assert len(chart_data(client.get(url), "facility-population")["labels"]) == 7


def test_a_facility_listed_twice_flags_its_rows_not_its_release(client, world):
    FacilityPopulationFactory(
        facility=world.stewart,
        listing=2,
        population=1.0,
        quality_note="the release lists this facility 2 times",
    )
    page = text(client.get("/"))
    assert "1 ICE release left out of the charts" in page  # still only the suspect removals one
    assert "lists this facility" not in page
