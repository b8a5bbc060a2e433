"""The API limits each client address: 429 with Retry-After and the JSON error body."""

import math
import time

import pytest

from icetracker.pagecache import bump
from tests.security.public_urls import build_world, public_route_ids, samples_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.testurls")]

UNTHROTTLED = {"health"}
PAGE_CACHE_NAMESPACES = ("stats", "incidents", "rapidresponse", "feeds")
API_ROUTES = [
    route
    for _id, route in public_route_ids()
    if route.route.startswith("api/") and route.name not in UNTHROTTLED
]


@pytest.fixture
def rates(settings):
    def set_rates(burst: str, sustained: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"burst": burst, "sustained": sustained},
        }

    return set_rates


def ping(client, ip="203.0.113.7", **headers):
    return client.get("/api/v1/test-ping", REMOTE_ADDR=ip, **headers)


def test_the_burst_limit_answers_429_with_retry_after_and_a_json_error(client, rates):
    rates("3/min", "1000/hour")
    assert [ping(client).status_code for _ in range(3)] == [200, 200, 200]
    response = ping(client)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    error = response.json()["error"]
    assert error["status"] == 429
    assert error["code"] == "throttled"
    assert error["message"]


def test_the_sustained_limit_applies_too(client, rates):
    rates("1000/min", "2/hour")
    ping(client)
    ping(client)
    before = time.time()
    response = ping(client)
    assert response.status_code == 429
    # Until the end of the current hour's window (the burst limit is far from reached).
    left = 3600 - before % 3600
    assert left - 2 <= int(response.headers["Retry-After"]) <= math.ceil(left)


def test_a_new_window_starts_a_new_count(client, rates, monkeypatch):
    rates("2/min", "1000/hour")
    now = 1_800_000_000.0  # the start of a minute
    monkeypatch.setattr(time, "time", lambda: now + 58)
    assert [ping(client).status_code for _ in range(3)] == [200, 200, 429]
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert ping(client).status_code == 200


def test_each_address_has_its_own_allowance(client, rates):
    rates("2/min", "1000/hour")
    ping(client)
    ping(client)
    assert ping(client).status_code == 429
    assert ping(client, ip="198.51.100.20").status_code == 200


def test_a_spoofed_forwarded_for_header_does_not_reset_the_count(client, rates):
    rates("2/min", "1000/hour")
    codes = [ping(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_health_is_never_throttled(client, rates):
    rates("1/min", "1/hour")
    assert {client.get("/api/v1/health").status_code for _ in range(4)} == {200}


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
def test_every_api_endpoint_is_throttled(route, client, rates):
    """Every request that reaches an API view counts.

    Answers served from the page cache (icetracker.pagecache) never reach the view and are
    not counted: they cost no database work. Bumping the namespaces makes each request a miss.
    """
    rates("1/min", "1000/hour")
    sample = samples_for(route, build_world())[0]
    assert client.get(sample.path).status_code == sample.status
    bump(*PAGE_CACHE_NAMESPACES)
    assert client.get(sample.path).status_code == 429, f"{route} is not throttled"
