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
