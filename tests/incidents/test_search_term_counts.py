"""SearchTermCount: PostgreSQL's running facet counts per search term (migration 0008's
triggers) always equal a count of the published incidents themselves, and a one-term search's
facet counts and totals read from them are those of the incidents it finds."""

import random
from collections import Counter

import pytest
from django.db import connection

from incidents import search
from incidents.filters import IncidentFilter
from incidents.models import Incident, IncidentType, Outcome, SearchTermCount, Verification
from tests.incidents.factories import IncidentFactory
from tests.incidents.runningcounts import (
    counting_scans,
    follows_bulk_statements,
    follows_every_change,
    searchable_values,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

random_values = searchable_values


def running_counts() -> Counter:
    return Counter(
        {
            (row.lexeme, row.incident_type, row.state, row.outcome, row.verification_status,
             row.citizen): row.n
            for row in SearchTermCount.objects.all()
            if row.n
        }
    )  # fmt: skip


def counted_from_incidents() -> Counter:
    """Every term of every published incident, recounted from scratch."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT lexeme, incident_type, state, outcome, verification_status,
                   CASE WHEN victim_is_citizen THEN 'yes' WHEN NOT victim_is_citizen THEN 'no'
                        ELSE 'unknown' END,
                   COUNT(*)
            FROM incidents_incident, unnest(tsvector_to_array(search_vector)) AS lexeme
            WHERE is_public GROUP BY 1, 2, 3, 4, 5, 6
            """
        )
        return Counter({tuple(row[:6]): row[6] for row in cursor.fetchall()})


def redate(incident: Incident, step: int) -> None:  # no term and no facet changes
    incident.incident_date = incident.incident_date.replace(day=step % 28 + 1)


def test_running_counts_follow_every_kind_of_change():
    follows_every_change(18, running_counts, counted_from_incidents, random_values, redate)


def test_running_counts_follow_bulk_statements():
    follows_bulk_statements(19, running_counts, counted_from_incidents, random_values)


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("agents", "agent"),
        ("  Agents the ", "agent"),  # stop words and case do not count
        ("AGENTS!!", "agent"),
        ("2025", "2025"),
        ("court order", None),  # two words
        ('"court order"', None),  # a phrase
        ("raid or vigil", None),
        ("-agents", None),  # an exclusion only
        ("the", None),  # stop words only
        ("", None),
        ("o'brien", None),  # two lexemes to PostgreSQL
    ],
)
def test_single_term(query, term):
    assert search.single_term(query) == term


def test_a_query_seen_before_is_not_looked_up_again(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert search.single_term("Agents") == "agent"
    with django_assert_num_queries(0):
        assert search.single_term(" Agents ") == "agent"  # the same query, stripped
        assert search.single_term("the") is None  # no word to look for: no statement at all
    with django_assert_num_queries(1):
        assert search.single_term("raid or vigil") is None  # a statement tells
    with django_assert_num_queries(0):
        assert search.single_term("raid or vigil") is None


def searched_incidents(rng: random.Random) -> None:
    for _ in range(60):
        IncidentFactory(**random_values(rng))


@pytest.mark.parametrize(
    "data",
    [
        {"q": "agents"},
        {"q": "Judge", "state": "TX"},
        {"q": "raid", "type": "death_detention"},
        {"q": "hospital", "state": "CA", "type": "ice_killing"},
        {"q": "school", "state": "TX", "outcome": "died", "citizen": "no"},
        {"q": "church", "verification": "verified", "sort": "newest"},
        {"q": "nowhere", "state": "TX"},  # a word no incident holds
    ],
)
def test_one_term_searches_count_from_the_running_counts(data, monkeypatch):
    searched_incidents(random.Random(20))
    if data["q"] != "nowhere":  # at least one incident passes every filter
        IncidentFactory(
            headline=data["q"],
            state=data.get("state", "TX"),
            incident_type=data.get("type", IncidentType.DEATH_DETENTION),
            outcome=data.get("outcome", Outcome.RELEASED),
            victim_is_citizen={"no": False}.get(data.get("citizen")),
            verification_status=data.get("verification", Verification.REPORTED),
        )
    filterset = IncidentFilter(data)
    assert filterset.running_counts_apply()
    sql, _params = filterset._facet_counts_sql()
    assert "incidents_searchtermcount" in sql
    counts = filterset.facet_counts()
    found = filterset.qs.count()
    assert filterset.total(counts) == found
    assert filterset.count() == found
    if data["q"] == "nowhere":
        assert found == 0
    else:
        assert found  # the comparison below is not between two empty sets

    # The same counts as a pass over the incidents the search finds (_one_pass_sql).
    monkeypatch.setattr(IncidentFilter, "_single_term", lambda self: None)
    recounted = IncidentFilter(data)
    assert not recounted.running_counts_apply()
    assert "incidents_searchtermcount" not in recounted._facet_counts_sql()[0]
    assert recounted.facet_counts() == counts


@pytest.mark.parametrize(
    "data",
    [
        {"q": "court judge", "state": "TX"},  # two words
        {"q": "agents", "date_after": "2025-01-01"},  # a date
    ],
)
def test_other_searches_count_the_incidents(data):
    searched_incidents(random.Random(21))
    filterset = IncidentFilter(data)
    assert not filterset.running_counts_apply()
    assert "incidents_searchtermcount" not in filterset._facet_counts_sql()[0]
    assert filterset.count() == filterset.qs.count()


def test_a_narrower_queryset_is_counted_itself():
    IncidentFactory(headline="Kept agents", state="TX")
    IncidentFactory(headline="Left out agents", state="TX")
    filterset = IncidentFilter(
        {"q": "agents"}, queryset=Incident.objects.filter(headline__startswith="Kept")
    )
    assert not filterset.running_counts_apply()
    assert filterset.count() == 1
    assert filterset.facet_counts()["state"] == {"TX": 1}


@pytest.mark.parametrize(
    "data", [{"q": "agents", "state": "TX"}, {"q": "agents", "type": "death_detention"}]
)
def test_counting_a_term_needs_only_the_indexes(data):
    """Both indexes carry every column the statements read (migration 0008)."""
    filterset = IncidentFilter(data)
    scans = counting_scans(filterset, "incidents_searchtermcount")
    assert all(scan.startswith("Index Only Scan") for scan in scans), scans
