"""GET /api/v1/ice-stats: the spec's IceStatsResponse shape, filters, errors, schema, cache."""

import pytest
import yaml

from icetracker.pagecache import bump
from tests.stats.conftest import build_world, more_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/ice-stats"
SHAPE = {
    "deportations_by_year": {"fiscal_year", "administration", "total", "interior", "border"},
    "criminal_breakdown": {
        "period",
        "no_conviction_pct",
        "nonviolent_pct",
        "violent_pct",
        "source",
    },
    "deaths_by_year": {"year", "deaths"},
    "citizens_affected": {"total_detained", "total_deported", "source"},
}


def test_the_response_has_exactly_the_spec_shape(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {*SHAPE, "current_detention_population", "last_updated"}
    assert set(body["criminal_breakdown"]) == SHAPE["criminal_breakdown"]
    assert set(body["citizens_affected"]) == SHAPE["citizens_affected"]
    for item in body["deportations_by_year"]:
        assert set(item) == SHAPE["deportations_by_year"]
    for item in body["deaths_by_year"]:
        assert set(item) == SHAPE["deaths_by_year"]


def test_the_figures_are_the_dashboards(client, world):
    body = client.get(URL).json()
    assert body["deportations_by_year"] == [
        {
            "fiscal_year": 2016,
            "administration": "obama_2",
            "total": 240255,
            "interior": None,
            "border": None,
        },
        {
            "fiscal_year": 2017,
            "administration": "trump_1",
            "total": 226119,
            "interior": None,
            "border": None,
        },
        {
            "fiscal_year": 2025,
            "administration": "trump_2",
            "total": 319980,
            "interior": None,
            "border": None,
        },
        {
            "fiscal_year": 2026,
            "administration": "trump_2",
            "total": 234236,
            "interior": None,
            "border": None,
        },
    ]
    assert body["criminal_breakdown"] == {
        "period": "2026-04-02",
        "no_conviction_pct": 70.8,
        "nonviolent_pct": None,
        "violent_pct": None,
        "source": "ICE detention statistics (parsed by the Deportation Data Project)",
    }
    assert body["deaths_by_year"] == [{"year": 2025, "deaths": 21}]
    assert body["citizens_affected"] == {
        "total_detained": 170,
        "total_deported": None,
        "source": "ProPublica",
    }
    assert body["current_detention_population"] == 60311


def test_the_latest_dated_figure_wins(client, world, trac_figure):
    body = client.get(URL).json()
    assert body["current_detention_population"] == 65765
    assert body["criminal_breakdown"]["period"] == "2026-07-11"
    assert body["criminal_breakdown"]["no_conviction_pct"] == 70.6
    assert body["criminal_breakdown"]["source"] == "TRAC"


def test_admin_filters_every_figure(client, world):
    body = client.get(URL, {"admin": "obama_2"}).json()
    assert [y["fiscal_year"] for y in body["deportations_by_year"]] == [2016]
    assert body["deaths_by_year"] == []
    assert body["current_detention_population"] is None  # no dated figure in that term
    assert body["citizens_affected"]["total_detained"] is None
    body = client.get(URL, {"admin": "trump_2", "period": "fiscal_year"}).json()
    assert [y["fiscal_year"] for y in body["deportations_by_year"]] == [2025, 2026]
    assert body["citizens_affected"]["total_detained"] == 170


def test_period_selects_the_kind_of_rows(client, world):
    body = client.get(URL, {"period": "calendar_year"}).json()
    assert body["deportations_by_year"] == []
    assert body["deaths_by_year"] == []
    assert body["citizens_affected"]["total_detained"] == 170  # point figures are not by period


def test_no_data_is_null_never_zero(client):
    body = client.get(URL).json()
    assert body["deportations_by_year"] == []
    assert body["deaths_by_year"] == []
    assert body["current_detention_population"] is None
    assert set(body["criminal_breakdown"].values()) == {None}
    assert set(body["citizens_affected"].values()) == {None}
    assert body["last_updated"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "decade"}, "period"),
        ({"admin": "lincoln"}, "admin"),
        ({"admin": "Biden"}, "admin"),
    ],
)
def test_unknown_period_or_administration_is_a_400_with_a_json_error(client, query, field):
    response = client.get(URL, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert "is not a valid choice" in error["fields"][field][0]


def test_an_empty_parameter_is_no_filter(client, world):
    assert client.get(URL, {"admin": ""}).json() == client.get(URL).json()


def test_the_api_is_cached_until_the_next_import(client, world):
    assert client.get(URL)["X-Page-Cache"] == "miss"
    assert client.get(URL)["X-Page-Cache"] == "hit"
    bump("stats")
    assert client.get(URL)["X-Page-Cache"] == "miss"


def test_the_api_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    build_world()
    with django_assert_num_queries(8):
        client.get(URL)
    more_data(4)
    bump("stats")
    with django_assert_num_queries(8):
        client.get(URL)


def test_the_openapi_schema_describes_it(client):
    schema = yaml.safe_load(client.get("/api/v1/schema").content)
    operation = schema["paths"]["/api/v1/ice-stats"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters["period"]["schema"]["enum"]) == {
        "calendar_year",
        "fiscal_year",
        "month",
        "quarter",
    }
    assert "trump_2" in parameters["admin"]["schema"]["enum"]
    assert "400" in operation["responses"]
    response = schema["components"]["schemas"]["IceStatsResponse"]
    assert set(response["properties"]) == {*SHAPE, "current_detention_population", "last_updated"}
