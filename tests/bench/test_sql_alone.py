"""The benchmark's "PostgreSQL alone" figures: the app's own statements, replayed by pgbench.

bench/run.py captures the SQL that each uncached endpoint's requests issue and replays it with
pgbench at the same concurrency. These tests check the script it writes, the percentiles it
reads back, and that the statements the app really issues run through pgbench unchanged.
"""

import shutil

import pytest
from django.db import connection

from bench import run
from bench.endpoints import NONCE, load_endpoints, request_statements
from incidents.models import IncidentType
from tests.incidents.factories import IncidentFactory


def test_the_script_runs_one_paths_statements_per_transaction_as_they_are():
    script = run.pgbench_script(
        [["SELECT 'a:b'::text", "SELECT 2;"], ["SELECT websearch_to_tsquery('x')"]]
    )
    assert script.splitlines() == [
        "\\set bench_path random(0, 1)",
        "\\if :bench_path = 0",
        "SELECT 'a:b'::text;",
        "SELECT 2;",
        "\\elif :bench_path = 1",
        "SELECT websearch_to_tsquery('x');",
        "\\endif",
    ]


@pytest.mark.parametrize(
    "paths",
    [[], [["SELECT 1\n\\quit"]], [["SELECT ':bench_path'"]]],
    ids=["nothing", "line break", "the script's variable"],
)
def test_the_script_refuses_what_pgbench_would_not_run_as_written(paths):
    with pytest.raises(run.BenchError):
        run.pgbench_script(paths)


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert run.percentile(values, 0.50) == 50.0
    assert run.percentile(values, 0.95) == 95.0
    assert run.percentile(values, 0.99) == 99.0
    assert run.percentile([7.0], 0.95) == 7.0
    assert run.percentile([], 0.95) == 0.0


def postgres_dsn() -> str:
    """The test database, for pgbench's own connections (the tables exist; rows written by a
    test stay inside its transaction, out of pgbench's sight)."""
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


needs_pgbench = pytest.mark.skipif(
    shutil.which("pgbench") is None, reason="pgbench comes with PostgreSQL's server package"
)


@pytest.mark.postgres
@needs_pgbench
@pytest.mark.django_db
def test_the_apps_own_statements_replay_through_pgbench(client):
    IncidentFactory(state="TX", incident_type=IncidentType.RIGHTS_VIOLATION)
    uncached = [e for e in load_endpoints(["/"]) if not e.cached]
    assert {e.name for e in uncached} >= {"search", "filtered", "api_list_uncached"}
    options = connection.settings_dict["OPTIONS"].get("options", "")
    for endpoint in uncached:
        paths = [
            request_statements(client, path.replace(NONCE, str(index)))
            for index, path in enumerate(endpoint.paths[:3])
        ]
        assert all(paths), endpoint.name
        figures = run.pgbench(run.pgbench_script(paths), 2, 1, options, dsn=postgres_dsn())
        assert figures["transactions"] > 0, endpoint.name
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
        assert figures["floor_ms"] == round(2 * 1000 / figures["transactions"], 1)


@pytest.mark.postgres
@needs_pgbench
@pytest.mark.django_db
def test_a_statement_that_fails_under_pgbench_fails_the_run():
    with pytest.raises(run.BenchError, match="division by zero"):
        run.pgbench(run.pgbench_script([["SELECT 1 / 0"]]), 1, 1, "", dsn=postgres_dsn())
