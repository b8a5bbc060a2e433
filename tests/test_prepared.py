"""icetracker.prepared: the hot statements run prepared on their connection, through Django's
cursor wrapper (execute wrappers, errors), and as ordinary statements while queries are logged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icetracker.prepared import PreparingCursor, prepared_cursor
from tests.statements import prepared_statements

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

STATEMENT = "SELECT %s::text || '!', %s::int + 1"


def test_a_statement_is_prepared_once_and_run_again_with_other_values():
    with prepared_cursor() as cursor:
        cursor.execute(STATEMENT, ["a", 1])
        first = cursor.fetchone()
        cursor.execute(STATEMENT, ["b", 41])
        second = cursor.fetchone()
    assert (first, second) == (("a!", 2), ("b!", 42))
    assert isinstance(cursor.cursor, PreparingCursor)
    found = [sql for sql in prepared_statements() if "|| '!'" in sql]
    assert found == ["SELECT $1::text || '!', $2::int + 1"]  # one statement, values apart


def test_django_execute_wrappers_still_run():
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper), prepared_cursor() as cursor:
        cursor.execute(STATEMENT, ["c", 2])
    assert seen == [(STATEMENT, ["c", 2])]


def test_logged_queries_show_their_values():
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(STATEMENT, ["d", 3])
        assert cursor.fetchone() == ("d!", 4)
    assert not isinstance(cursor.cursor, PreparingCursor)
    assert queries[-1]["sql"] == "SELECT 'd'::text || '!', 3::int + 1"


def test_it_can_be_turned_off(settings):
    settings.DB_PREPARED_STATEMENTS = False
    with prepared_cursor() as cursor:
        cursor.execute(STATEMENT, ["e", 4])
        assert cursor.fetchone() == ("e!", 5)
    assert not isinstance(cursor.cursor, PreparingCursor)


def test_a_caller_may_ask_for_an_ordinary_cursor():
    with prepared_cursor(prepare=False) as cursor:
        cursor.execute(STATEMENT, ["f", 5])
        assert cursor.fetchone() == ("f!", 6)
    assert not isinstance(cursor.cursor, PreparingCursor)


def test_prepared_statements_run_on_their_generic_plan():
    """They are prepared because one plan holds for any values: PostgreSQL plans each once,
    not again for each run's values (settings: plan_cache_mode)."""
    with prepared_cursor() as cursor:
        for n in range(8):
            cursor.execute(STATEMENT, [str(n), n])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = %s",
            ["SELECT $1::text || '!', $2::int + 1"],
        )
        assert cursor.fetchall() == [(8, 0)]


def test_statements_with_their_values_are_planned_as_before():
    """Only statements with parameters have a plan to choose: Django's own, with the values
    written in, are planned for those values."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
        cursor.execute("EXPLAIN SELECT count(*) FROM incidents_incident WHERE state = %s", ["TX"])
        assert "'TX'" in "\n".join(row[0] for row in cursor.fetchall())
