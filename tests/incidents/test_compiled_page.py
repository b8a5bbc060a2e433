"""IncidentFilter.page_rows(): the first page of a filter made of facets and a search runs SQL
that the ORM wrote once for that combination of filters (filters.compiled_page); it must be the
very SQL the ORM writes for the request, and give the very rows. A one-word search by relevance
reads its page's ids from SearchPosting instead, and one of several words with a state and a
type its candidates from SearchTermIds: other SQL, the very rows."""

import itertools
import random

import pytest
from django.db import connection

from incidents import filters
from incidents.filters import PAGE_SIZES, SORT_CHOICES, IncidentFilter, compiled_page
from incidents.models import EvidenceType, Incident, IncidentType, Outcome, Verification
from tests.incidents.factories import EvidenceFactory, IncidentFactory
from tests.statements import prepared_statements

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

VALUES = {
    "state": ["TX", "CA"],
    "type": [IncidentType.DEATH_DETENTION, IncidentType.CITIZEN_DETAINED],
    "outcome": [Outcome.RELEASED, Outcome.DIED],
    "verification": [Verification.VERIFIED, Verification.REPORTED],
}
CITIZEN = [None, "yes", "no", "unknown"]
SEARCHES = [None, "incident", "Incident 1", '"incident 2" or -held']


@pytest.fixture
def incidents():
    rng = random.Random(31)
    made = []
    for n in range(60):
        made.append(
            IncidentFactory(
                headline=f"Incident {n}",
                state=rng.choice(["TX", "CA", "IL"]),
                incident_type=rng.choice([*VALUES["type"], IncidentType.ICE_KILLING]),
                outcome=rng.choice(VALUES["outcome"]),
                verification_status=rng.choice(VALUES["verification"]),
                victim_is_citizen=rng.choice([True, False, None]),
                is_public=rng.random() < 0.85,
                incident_date=f"2025-0{rng.randint(1, 3)}-1{rng.randint(0, 2)}",  # ties on dates
            )
        )
    for incident in rng.sample(made, 30):
        EvidenceFactory(incident=incident)
        if rng.random() < 0.5:
            EvidenceFactory(
                incident=incident,
                evidence_type=EvidenceType.VIDEO_YOUTUBE,
                url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                is_removed=rng.random() < 0.3,
            )
    return made


def requests():
    """Every combination of chosen facets, citizen value, order and page size, each with one
    of the searches in turn."""
    rng = random.Random(32)
    names = list(VALUES)
    searches = itertools.cycle(SEARCHES)
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            for citizen, (sort, _label), limit in itertools.product(
                CITIZEN, SORT_CHOICES, PAGE_SIZES
            ):
                data = {name: rng.choice(VALUES[name]) for name in chosen}
                data |= {"sort": sort, "limit": str(limit)}
                if citizen:
                    data["citizen"] = citizen
                query = next(searches)
                if query:
                    data["q"] = query
                yield data


def test_every_combination_runs_the_sql_the_orm_writes_and_gets_its_rows(incidents):
    checked = ranked = intersected = 0
    for data in requests():
        filterset = IncidentFilter(data)
        assert filterset.is_valid(), data
        limit = filterset.limit
        shape = filterset._page_shape(0, limit)
        assert shape is not None, data
        compiled = compiled_page(*shape)
        assert compiled is not None, data

        if filterset.ranked_by_postings():  # its own SQL (test_search_postings), same rows
            assert "incidents_searchposting" in compiled.sql, data
            ranked += 1
        elif filterset.intersected_page():  # its own SQL (test_search_term_ids), same rows
            assert "incidents_searchtermids" in compiled.sql, data
            intersected += 1
        else:
            orm_rows = filterset.qs.with_evidence_stats().values(*filters.LIST_ROW_FIELDS)
            sql, params = orm_rows[:limit].query.sql_with_params()
            values = [
                filterset.params[p.name] if isinstance(p, filters.Slot) else p
                for p in compiled.params
            ]
            assert (compiled.sql, values) == (sql, list(params)), data

        rows = filterset.page_rows(0, limit)
        assert rows == filterset.qs.page(0, limit), data
        assert [type(v) for row in rows for v in row.values()] == [
            type(v) for row in filterset.qs.page(0, limit) for v in row.values()
        ]
        checked += bool(rows)
    assert checked > 100  # most combinations find incidents: the comparison is not of nothing
    assert ranked  # and some one-word searches by relevance take their page from the postings
    assert intersected  # and some searches of several words from the lists of ids


@pytest.mark.parametrize(
    ("data", "start"),
    [
        ({"state": "TX", "q": "the"}, 0),  # a search with no word to look for: no rows
        ({"state": "TX", "date_after": "2025-02-01"}, 0),  # a date
        ({"state": "TX", "q": "incident", "date_before": "2025-02-01"}, 0),
        ({"state": "TX"}, 20),  # a later page: two queries, through the ORM
        ({"state": "nowhere"}, 0),  # invalid: no rows at all
    ],
)
def test_other_requests_go_through_the_orm(incidents, data, start):
    filterset = IncidentFilter(data)
    assert filterset._page_shape(start, start + 20) is None
    assert filterset.page_rows(start, start + 20) == (
        filterset.qs.page(start, start + 20) if filterset.is_valid() else []
    )


def test_a_narrower_queryset_goes_through_the_orm(incidents):
    narrower = Incident.objects.filter(headline__in=["Incident 1", "Incident 2", "Incident 3"])
    filterset = IncidentFilter({"state": "TX"}, queryset=narrower)
    assert filterset._page_shape(0, 20) is None
    assert {row["headline"] for row in filterset.page_rows(0, 20)} <= {
        "Incident 1",
        "Incident 2",
        "Incident 3",
    }


def test_drafts_never_come_out(incidents):
    for data in requests():
        filterset = IncidentFilter(data)
        ids = [row["id"] for row in filterset.page_rows(0, filterset.limit)]
        assert not Incident.objects.filter(pk__in=ids, is_public=False).exists(), data


def test_the_values_are_parameters_never_part_of_the_sql(incidents):
    """A facet's value reaches PostgreSQL as a bound parameter (psycopg binds them on the
    client, quoted): the compiled SQL holds a placeholder, whatever the value."""
    filterset = IncidentFilter({"state": "TX", "type": "death_detention"})
    compiled = compiled_page(*filterset._page_shape(0, 20))
    assert "TX" not in compiled.sql
    assert "death_detention" not in compiled.sql
    assert [p.name for p in compiled.params if isinstance(p, filters.Slot)] == ["type", "state"]
    with connection.cursor() as cursor:  # the statement as PostgreSQL gets it is sound
        values = [
            {"type": "death_detention", "state": "TX"}.get(getattr(p, "name", None), p)
            for p in compiled.params
        ]
        cursor.execute("EXPLAIN " + compiled.sql, values)


@pytest.mark.parametrize(
    ("data", "prepared"),
    [
        ({"state": "TX", "type": "death_detention"}, True),  # indexes for any values (0009)
        ({"type": "death_detention", "sort": "oldest"}, True),
        ({}, True),
        ({"state": "TX", "sort": "updated"}, False),  # the best plan depends on the state
        ({"state": "TX", "outcome": "died"}, False),
        ({"state": "TX", "citizen": "yes"}, False),
        ({"state": "TX", "q": "incident 2"}, False),  # depends on the words
        # One word by relevance, from SearchPosting: its key gives the order with the state and
        # the type, or with neither; with one of them, the best plan depends on the word.
        ({"q": "incident", "state": "TX", "type": "death_detention"}, True),
        ({"q": "incident"}, True),
        ({"q": "incident", "state": "TX"}, False),
        ({"q": "incident", "type": "death_detention"}, False),
        # Several words with a state and a type: the candidates from SearchTermIds, ranked.
        ({"q": "incident 2", "state": "TX", "type": "death_detention"}, True),
    ],
)
def test_pages_whose_plan_holds_for_any_values_run_prepared(incidents, data, prepared):
    filterset = IncidentFilter(data)
    assert compiled_page(*filterset._page_shape(0, 20)).prepare is prepared
    rows = filterset.page_rows(0, 20)
    assert rows == filterset.qs.page(0, 20)
    assert sum(sql.endswith("LIMIT 20") for sql in prepared_statements()) == int(prepared)


@pytest.mark.parametrize(
    "data",
    [
        {"q": "incident 2", "state": "TX", "type": "death_detention"},  # SearchTermIds
        {"q": "incident", "state": "TX", "type": "death_detention"},  # SearchPosting
    ],
)
def test_a_prepared_ranking_makes_the_tsquery_once(incidents, data):
    """On the generic plan the words are a parameter, not a constant folded when planning: the
    plan ranks by an InitPlan's tsquery (search.rank), not by websearch_to_tsquery run again for
    every candidate."""
    filterset = IncidentFilter(data)
    rows = filterset.page_rows(0, 20)
    assert rows == filterset.qs.page(0, 20)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        [name] = [name for name, sql in cursor.fetchall() if sql.endswith("LIMIT 20")]
        values = filterset.compiled_first_page(0, 20)[1]
        arguments = ", ".join(["%s"] * len(values))
        cursor.execute(f"EXPLAIN (VERBOSE) EXECUTE {name}({arguments})", values)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    [sort_key] = [line for line in plan.splitlines() if "Sort Key: (ts_rank" in line]
    assert "websearch_to_tsquery" not in sort_key
    assert "InitPlan" in plan
