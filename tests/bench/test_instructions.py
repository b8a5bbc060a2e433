"""bench/instructions.py: the requests it counts are real, uncached, successful requests."""

import gc

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from bench import instructions
from bench.endpoints import API_LIST_PATH
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _as_the_test_client():
    """Keep the test's database connection open across requests, as Django's test client
    does, and undo serve()'s gc.freeze() (which stands for a gunicorn worker's)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
    gc.unfreeze()


def test_endpoint_names_give_their_paths_and_paths_stand_for_themselves():
    assert instructions.paths_for("api_list_uncached") == (API_LIST_PATH + "&nocache={n}",)
    assert len(instructions.paths_for("filtered")) > 1
    assert instructions.paths_for("/api/v1/health") == ("/api/v1/health",)
    with pytest.raises(SystemExit, match="unknown endpoint"):
        instructions.paths_for("nope")


def test_serve_makes_each_request_anew(django_assert_num_queries):
    IncidentFactory.create_batch(3, state="CA", is_public=True)
    # uncached: every request runs the list's two queries (the warm-up's and the counted ones)
    with django_assert_num_queries(2 * (instructions.WARMUP + 3)):
        instructions.serve(instructions.paths_for("api_list_uncached"), 3)


def test_serve_stops_on_an_answer_other_than_200():
    with pytest.raises(SystemExit, match="404"):
        instructions.serve(("/no/such/page/",), 1)


def test_make_bench_counts_the_uncached_endpoints_with_a_p95_target(monkeypatch):
    from bench import run
    from bench.endpoints import load_endpoints

    asked = []

    def per_request(name, requests, database):
        asked.append((name, requests, database))
        return 8_712_345.0

    monkeypatch.setattr(instructions, "per_request", per_request)
    counted = run.count_instructions(load_endpoints(["/incidents/1-x/"]))
    assert [name for name, _requests, _database in asked] == [
        "search",
        "filtered",
        "api_list_uncached",
    ]
    assert {(requests, database) for _name, requests, database in asked} == {
        (run.INSTRUCTION_REQUESTS, run.SCALE_DB)
    }
    assert counted == {
        "requests": run.INSTRUCTION_REQUESTS,
        "millions_per_request": {"search": 8.71, "filtered": 8.71, "api_list_uncached": 8.71},
    }
    report = {"endpoints": {}, "instructions": counted}
    (line,) = run.other_figures(report)
    assert "api_list_uncached 8.71" in line
    assert "do not move with the machine's load" in line
