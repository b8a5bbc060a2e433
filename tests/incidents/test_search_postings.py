"""SearchPosting: PostgreSQL's postings of search terms (migration 0010's triggers) always equal
the terms of the published incidents themselves, each with its ts_rank, and a one-word search
by relevance takes from them the very page that ranking every incident it finds gives."""

import datetime
from collections import Counter
from importlib import import_module

import pytest
from django.db import connection

from incidents import filters, search
from incidents.filters import IncidentFilter, compiled_page
from incidents.models import Incident, IncidentType, SearchPosting
from tests.incidents.factories import IncidentFactory
from tests.incidents.runningcounts import (
    change_outcome,
    follows_bulk_statements,
    follows_every_change,
    searchable_incidents,
    searchable_values,
)
from tests.statements import prepared_statements

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def postings() -> Counter:
    return Counter(
        (row.lexeme, row.state, row.incident_type, row.rank, row.incident_date, row.incident_id)
        for row in SearchPosting.objects.all()
    )


def posted_from_incidents() -> Counter:
    """Every term of every published incident with its ts_rank, worked out from scratch (the
    one-term query made from the lexeme by websearch_to_tsquery with the 'simple'
    configuration, apart from the migration's own quoting)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT lexeme, state, incident_type,
                   ts_rank(search_vector, websearch_to_tsquery('simple', lexeme))::float8,
                   incident_date, id
            FROM incidents_incident, unnest(tsvector_to_array(search_vector)) AS lexeme
            WHERE is_public
            """
        )
        return Counter(tuple(row) for row in cursor.fetchall())


def test_postings_follow_every_kind_of_change():
    follows_every_change(40, postings, posted_from_incidents, searchable_values, change_outcome)


def test_postings_follow_bulk_statements():
    follows_bulk_statements(41, postings, posted_from_incidents, searchable_values)
    IncidentFactory.create_batch(3, state="CA", incident_date=datetime.date(2024, 5, 1))
    Incident.objects.filter(state="CA").update(incident_date=datetime.date(2024, 6, 1))
    assert postings() == posted_from_incidents()  # redated


@pytest.mark.parametrize("lexeme", ["it's", "back\\slash", "a'b\\'c", "colon:b", "ünïcode", "*"])
def test_any_lexeme_reads_back_as_itself(lexeme):
    """The migration's quoting of a lexeme as a tsquery: one term, that very lexeme."""
    migration = import_module("incidents.migrations.0010_search_postings")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(q), q::text, array_to_tsvector(ARRAY[lexeme]) @@ q "
            f"FROM (SELECT %s::text AS lexeme) AS l, LATERAL (SELECT {migration.LEXEME_QUERY} "
            "AS q) AS t",
            [lexeme],
        )
        nodes, text, matches = cursor.fetchone()
    assert nodes == 1
    assert (
        search.ONE_LEXEME.fullmatch(text).group(1).replace("''", "'").replace("\\\\", "\\")
        == lexeme
    )
    assert matches


def searched_incidents() -> None:
    searchable_incidents(42, 80)


@pytest.mark.parametrize(
    "data",
    [
        {"q": "agents"},
        {"q": "Judge", "state": "TX"},
        {"q": "raid", "type": "death_detention"},
        {"q": "hospital", "state": "CA", "type": "ice_killing"},
        {"q": "school", "state": "TX", "sort": "relevance", "limit": "50"},
        {"q": "nowhere", "state": "TX"},  # a word no incident holds
    ],
)
def test_one_word_searches_by_relevance_take_their_page_from_the_postings(data):
    searched_incidents()
    filterset = IncidentFilter(data)
    assert filterset.ranked_by_postings()
    limit = filterset.limit
    compiled = compiled_page(*filterset._page_shape(0, limit))
    assert "incidents_searchposting" in compiled.sql
    rows = filterset.page_rows(0, limit)
    assert rows == filterset.qs.page(0, limit)  # the search ranking every incident it finds
    if data["q"] != "nowhere":
        assert len(rows) > 1  # the order is compared, not one row or none
    # A later page ranks every incident again, in the same order as the first page's.
    assert [row["id"] for row in filterset.page_rows(1, 3)] == [row["id"] for row in rows[1:3]]


@pytest.mark.parametrize(
    "data",
    [
        {"q": "court judge", "state": "TX"},  # two words
        {"q": "agents", "sort": "newest"},  # not by relevance
        {"q": "agents", "outcome": "died"},  # a facet the postings do not hold
        {"q": "agents", "citizen": "yes"},
        {"q": "agents", "date_after": "2025-01-01"},  # a date
        {"state": "TX"},  # no search
    ],
)
def test_other_pages_do_not(data):
    searched_incidents()
    filterset = IncidentFilter(data)
    assert not filterset.ranked_by_postings()
    shape = filterset._page_shape(0, 20)
    if shape is not None:
        assert "incidents_searchposting" not in compiled_page(*shape).sql
    assert filterset.page_rows(0, 20) == filterset.qs.page(0, 20)


def test_a_narrower_queryset_ranks_its_own_incidents():
    IncidentFactory(headline="Kept agents", state="TX")
    IncidentFactory(headline="Left out agents agents", state="TX")
    filterset = IncidentFilter(
        {"q": "agents"}, queryset=Incident.objects.filter(headline__startswith="Kept")
    )
    assert not filterset.ranked_by_postings()
    assert [row["headline"] for row in filterset.page_rows(0, 20)] == ["Kept agents"]


@pytest.mark.parametrize(
    ("data", "index"),
    [
        ({"q": "agents", "state": "TX", "type": "death_detention"}, "incidents_searchposting_pkey"),
        ({"q": "agents"}, "searchposting_rank_idx"),
    ],
)
def test_the_page_is_read_in_order_from_an_index(data, index):
    """The page's ids come from an index walked backwards, without a sort and without reading
    the table (an index-only scan), whatever the planner's estimates for a small table."""
    searched_incidents()
    filterset = IncidentFilter(data)
    compiled = compiled_page(*filterset._page_shape(0, 20))
    values = filterset.params | {filters.TERM: filterset._single_term()}
    params = [values[p.name] if isinstance(p, filters.Slot) else p for p in compiled.params]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + compiled.sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    scans = [line for line in plan if "on incidents_searchposting" in line]
    assert len(scans) == 1, plan
    assert f"Index Only Scan Backward using {index} on" in scans[0], plan
    assert not any("Sort" in line for line in plan[plan.index(scans[0]) :]), plan


def test_the_term_the_counts_and_the_page_run_prepared():
    """Their plans hold for any values (icetracker.prepared)."""
    searched_incidents()
    IncidentFactory(headline="Agents", state="TX", incident_type=IncidentType.DEATH_DETENTION)
    filterset = IncidentFilter({"q": "agents", "state": "TX", "type": "death_detention"})
    assert filterset.facet_counts()["state"]
    assert filterset.page_rows(0, 20)
    statements = prepared_statements()
    for mark in ("FROM incidents_searchtermcount", '"incidents_searchposting"', "numnode(q)"):
        assert sum(mark in sql for sql in statements) == 1, (mark, statements)


def test_a_phrase_does_not():
    """Its plan depends on how common its words are."""
    searched_incidents()
    filterset = IncidentFilter({"q": '"agents judge"', "state": "TX"})
    filterset.facet_counts()
    filterset.page_rows(0, 20)
    assert not [sql for sql in prepared_statements() if "incidents_incident" in sql]
