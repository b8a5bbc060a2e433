"""A page served from the page cache does no database work at all: no query, and no round trip
to set or reset the request's statement_timeout (bench/run.py measures these pages against a
constant view)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icetracker import middleware
from incidents.models import Incident
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeout_calls(monkeypatch, settings):
    settings.DB_STATEMENT_TIMEOUT_MS = 5000
    calls = []
    real = middleware._set_timeout

    def spy(conn, milliseconds):
        calls.append(milliseconds)
        real(conn, milliseconds)

    monkeypatch.setattr(middleware, "_set_timeout", spy)
    return calls


@pytest.mark.parametrize("path", ["/incidents/", "/rapid-response/ca/", "/api/v1/ice-incidents"])
def test_a_cached_page_runs_no_sql(client, timeout_calls, path):
    IncidentFactory(state="CA")
    assert client.get(path).status_code == 200  # a miss: stored in the page cache
    connection.ensure_connection()  # as in a web worker that has served other requests
    timeout_calls.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert timeout_calls == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # as in production: requests outside a transaction
def test_a_page_that_queries_still_sets_the_timeout_and_the_next_statement_outside_resets_it(
    client, timeout_calls
):
    IncidentFactory()
    assert client.get("/incidents/").status_code == 200
    assert timeout_calls == [5000]
    assert client.get("/incidents/?state=TX").status_code == 200  # same connection: kept
    assert timeout_calls == [5000]
    assert Incident.objects.count() == 1  # outside a request
    assert timeout_calls == [5000, None]
