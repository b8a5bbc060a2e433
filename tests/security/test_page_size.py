"""No list, in the API or on a page, returns more than 100 rows however large a size is asked."""

import re

import pytest

from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db

MAX_ROWS = 100
HUGE = ["101", "1000", "1000000000", "99999999999999999999999"]
DETAIL_LINK = re.compile(r'href="/incidents/(\d+)-')


@pytest.fixture
def many_incidents():
    IncidentFactory.create_batch(MAX_ROWS + 5)


def api_rows(response) -> int:
    body = response.json()
    assert body["pagination"]["limit"] <= MAX_ROWS
    return len(body["incidents"])


@pytest.mark.parametrize("size", HUGE)
def test_the_incidents_api_caps_or_refuses_a_huge_limit(client, many_incidents, size):
    response = client.get("/api/v1/ice-incidents", {"limit": size})
    if response.status_code == 400:
        assert "limit" in response.json()["error"]["fields"]
    else:
        assert response.status_code == 200
        assert api_rows(response) <= MAX_ROWS


def test_the_cap_is_exactly_100(client, many_incidents):
    assert api_rows(client.get("/api/v1/ice-incidents", {"limit": "100"})) == MAX_ROWS


@pytest.mark.parametrize("param", ["limit", "page_size", "per_page"])
def test_the_incident_list_page_caps_a_huge_page_size(client, many_incidents, param):
    response = client.get("/incidents/", {param: "1000"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert 0 < len(set(DETAIL_LINK.findall(response.content.decode()))) <= MAX_ROWS


@pytest.mark.parametrize("path", ["/api/v1/ice-incidents", "/incidents/"])
@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"limit": "1e9"},
        {"page": "0"},
        {"page": "-3"},
        {"page": "99999999999999999999999"},
        {"page": "2", "limit": "100"},
    ],
)
def test_odd_page_and_size_values_are_never_a_server_error(client, path, query):
    IncidentFactory.create_batch(3)
    assert client.get(path, query).status_code in (200, 400, 404)
