"""SearchTermIds: PostgreSQL's lists of the published incidents holding each search term, per
state and type (migration 0011's triggers), always equal the incidents themselves; and a search
of several words counts its facets, and finds its page, from them exactly as from the incidents
it matches."""

from collections import defaultdict

import pytest
from django.db import connection

from incidents import search
from incidents.filters import IncidentFilter, compiled_page
from incidents.models import Incident, IncidentType, SearchTermIds
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


def lists() -> dict:
    return {
        (row.lexeme, row.state, row.incident_type): row.ids
        for row in SearchTermIds.objects.all()
        if row.ids
    }


def listed_from_incidents() -> dict:
    """Every term of every published incident, listed again from scratch."""
    found = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT lexeme, state, incident_type, id
            FROM incidents_incident, unnest(tsvector_to_array(search_vector)) AS lexeme
            WHERE is_public ORDER BY id
            """
        )
        for lexeme, state, kind, pk in cursor.fetchall():
            found[(lexeme, state, kind)].append(pk)
    return dict(found)


def test_lists_follow_every_kind_of_change():
    follows_every_change(50, lists, listed_from_incidents, searchable_values, change_outcome)


def test_lists_follow_bulk_statements():
    follows_bulk_statements(51, lists, listed_from_incidents, searchable_values)


@pytest.mark.parametrize(
    ("query", "lexemes"),
    [
        ("court order", ("court", "order")),
        ("Agents at the school!", ("agent", "school")),  # stop words and punctuation go
        ("agents agents", ("agent",)),  # once each
        ("federal judge order", ("feder", "judg", "order")),
        ("agents", ("agent",)),
        ('"court order"', None),  # a phrase
        ("raid or vigil", None),
        ("agents -raid", None),  # an exclusion
        ("o'brien", None),  # a phrase to PostgreSQL
        ("the", None),
        ("", None),
    ],
)
def test_conjunction(query, lexemes):
    assert search.conjunction(query) == lexemes


def searched_incidents() -> None:
    searchable_incidents(52, 120)


def other_paths(data: dict, monkeypatch) -> IncidentFilter:
    """The same search counted in one pass over the incidents and ranked over all it finds."""
    monkeypatch.setattr(IncidentFilter, "intersections_apply", lambda self: False)
    filterset = IncidentFilter(data)
    assert "incidents_searchtermids" not in filterset._facet_counts_sql()[0]
    return filterset


@pytest.mark.parametrize(
    "data",
    [
        {"q": "agents judge", "state": "TX", "type": "death_detention"},
        {"q": "school raid", "state": "CA"},
        {"q": "hospital church", "type": "ice_killing"},
        {"q": "agents school"},
        {"q": "agents judge raid", "state": "TX", "type": "citizen_detained", "limit": "50"},
        {"q": "agents agents judge", "state": "TX", "type": "death_detention"},
        {"q": "school church", "state": "TX", "type": "death_detention", "sort": "newest"},
        {"q": "agents nowhere", "state": "TX", "type": "death_detention"},  # no incident
    ],
)
def test_searches_of_several_words_count_and_rank_from_the_lists(data, monkeypatch):
    searched_incidents()
    for n in range(3):  # matches of differing relevance in the chosen state and type
        IncidentFactory(
            headline=data["q"].replace("nowhere", "agents"),
            summary=" ".join(["judge"] * n),
            state=data.get("state", "TX"),
            incident_type=data.get("type", IncidentType.DEATH_DETENTION),
        )
    filterset = IncidentFilter(data)
    assert filterset.intersections_apply()
    # The facets from the lists with a state or a type; without, in one pass over the matches.
    faceted = "state" in data or "type" in data
    assert filterset.intersected_facets() == faceted
    assert ("incidents_searchtermids" in filterset._facet_counts_sql()[0]) == faceted
    counts = filterset.facet_counts()
    limit = filterset.limit
    rows = filterset.page_rows(0, limit)
    if "nowhere" not in data["q"]:
        assert filterset.total(counts) > 1  # the comparison is not between empty sets
        assert len(rows) > 1
    if filterset.intersected_page():
        assert "incidents_searchtermids" in compiled_page(*filterset._page_shape(0, limit)).sql

    total = filterset.count()
    assert "incidents_searchtermids" in filterset._intersected_count_sql()[0]
    other = other_paths(data, monkeypatch)
    assert counts == other.facet_counts()
    assert rows == other.qs.page(0, limit)
    assert filterset.total(counts) == total == other.count() == other.qs.count()


def test_the_page_is_intersected_only_with_a_state_and_a_type():
    searched_incidents()
    assert IncidentFilter(
        {"q": "agents judge", "state": "TX", "type": "ice_killing"}
    ).intersected_page()
    for data in [{"q": "agents judge", "state": "TX"}, {"q": "agents judge"}]:
        assert not IncidentFilter(data).intersected_page()


@pytest.mark.parametrize(
    "data",
    [
        {"q": "agents", "state": "TX"},  # one word: the running counts
        {"q": '"agents judge"', "state": "TX"},  # a phrase
        {"q": "agents or judge"},
        {"q": "agents -judge"},
        {"q": "agents judge", "outcome": "died"},  # a facet the lists do not hold
        {"q": "agents judge", "citizen": "no"},
        {"q": "agents judge", "date_after": "2025-01-01"},
    ],
)
def test_other_searches_do_not(data):
    searched_incidents()
    filterset = IncidentFilter(data)
    assert not filterset.intersections_apply()
    assert "WITH cells AS" not in filterset._facet_counts_sql()[0]  # _intersected_sql
    assert filterset.count() == filterset.qs.count()


def test_a_narrower_queryset_is_counted_itself():
    IncidentFactory(headline="Kept agents judge", state="TX")
    IncidentFactory(headline="Left out agents judge", state="TX")
    filterset = IncidentFilter(
        {"q": "agents judge"}, queryset=Incident.objects.filter(headline__startswith="Kept")
    )
    assert not filterset.intersections_apply()
    assert filterset.facet_counts()["state"] == {"TX": 1}


def test_counts_and_page_run_prepared():
    """Both plans hold for any words: the counts', and the page's ranking of its candidates,
    which makes the words' tsquery once per run (search.rank, filters.compiled_page)."""
    searched_incidents()
    filterset = IncidentFilter({"q": "agents judge", "state": "TX", "type": "death_detention"})
    filterset.facet_counts()
    rows = filterset.page_rows(0, 20)
    assert rows == filterset.qs.page(0, 20)
    statements = [sql for sql in prepared_statements() if "incidents_searchtermids" in sql]
    assert len(statements) == 2, statements
    assert sum("GROUPING" in sql for sql in statements) == 1
    assert sum("ts_rank" in sql and sql.endswith("LIMIT 20") for sql in statements) == 1
