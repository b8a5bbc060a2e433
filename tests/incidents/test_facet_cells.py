"""FacetCell: PostgreSQL's running counts of the published incidents per type and state
(migration 0012's triggers) always equal a count of the incidents themselves; and the facet
counts and totals read from them, or from a one-term search's SearchTermIds lists, are those of
the incidents the filters find."""

import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.filters import IncidentFilter
from incidents.models import FacetCell, Incident, IncidentType
from tests.incidents.factories import IncidentFactory
from tests.incidents.runningcounts import (
    counting_scans,
    follows_bulk_statements,
    follows_every_change,
    searchable_values,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def kept_pairs() -> Counter:
    return Counter({(row.incident_type, row.state): row.n for row in FacetCell.objects.all()})


def counted_from_incidents() -> Counter:
    return Counter(Incident.objects.filter(is_public=True).values_list("incident_type", "state"))


def change_outcome(incident: Incident, step: int) -> None:  # neither the type nor the state
    incident.outcome = ["released", "died"][step % 2]


def test_pairs_follow_every_kind_of_change():
    # kept_pairs keeps pairs whose incidents have all gone (n = 0): Counter equality ignores them.
    follows_every_change(41, kept_pairs, counted_from_incidents, searchable_values, change_outcome)


def test_pairs_follow_bulk_statements():
    follows_bulk_statements(42, kept_pairs, counted_from_incidents, searchable_values)


def test_a_pair_whose_incidents_all_go_stays_at_zero():
    incident = IncidentFactory(state="TX", incident_type=IncidentType.ICE_KILLING)
    assert kept_pairs()[(IncidentType.ICE_KILLING, "TX")] == 1
    incident.is_public = False
    incident.save()
    assert FacetCell.objects.get(incident_type=IncidentType.ICE_KILLING, state="TX").n == 0


@pytest.mark.parametrize(
    "data",
    [
        {"state": "TX"},
        {"type": "death_detention"},
        {"state": "TX", "type": "citizen_detained"},
        {"state": "CA", "type": "ice_killing", "sort": "oldest"},
        {"q": "agents", "state": "TX"},
        {"q": "Judge", "type": "death_detention"},
        {"q": "hospital", "state": "CA", "type": "ice_killing"},
        {"q": "nowhere", "state": "TX"},  # a word no incident holds
        {"state": "WY"},  # a state no incident has
        {},  # the total only
        {"q": "agents", "sort": "newest"},
    ],
)
def test_the_pairs_count_what_the_incidents_count(data):
    """The type and state facets and the total, read from the pairs, against the same filter
    counting the published incidents themselves (a queryset of its own turns off every running
    count)."""
    rng = random.Random(43)
    for _ in range(80):
        values = searchable_values(rng)
        values["state"] = rng.choice(["TX", "CA", "IL"])
        IncidentFactory(**values)
    filterset = IncidentFilter(data)
    assert filterset.running_counts_apply()
    assert filterset._cells_apply()
    sql, _params = filterset._facet_counts_sql()
    cells = "incidents_searchtermids" if "q" in data else "incidents_facetcell"
    assert (cells in sql) == ("state" in data or "type" in data)  # a chosen facet's branch
    assert cells in filterset._counted_rows_sql((), cells=True)[0]

    recounted = IncidentFilter(data, queryset=Incident.objects.published())
    assert not recounted.running_counts_apply()
    counts = filterset.facet_counts()
    assert counts == recounted.facet_counts()
    assert filterset.count() == recounted.count() == recounted.qs.count()
    if data.get("q") != "nowhere" and data.get("state") != "WY":
        assert filterset.count()  # the comparison is not between two empty sets
        assert counts["state"]
        assert counts["type"]
    with CaptureQueriesContext(connection) as queries:  # the total, from the pairs too
        filterset.count()
    assert cells in queries[-1]["sql"]


@pytest.mark.parametrize(
    "data",
    [
        {"state": "TX", "outcome": "died"},
        {"type": "death_detention", "citizen": "no"},
        {"q": "agents", "verification": "verified"},
    ],
)
def test_the_pairs_do_not_count_where_another_facet_is_chosen(data):
    filterset = IncidentFilter(data)
    assert filterset.running_counts_apply()
    assert not filterset._cells_apply()
    sql, _params = filterset._facet_counts_sql()
    assert "incidents_facetcell" not in sql
    assert "icount" not in sql


def test_counting_the_pairs_needs_only_the_indexes():
    """Both indexes carry n (migration 0012), so PostgreSQL can answer from the index alone."""
    IncidentFactory(state="TX", incident_type=IncidentType.ICE_KILLING)
    for data in ({"state": "TX"}, {"type": "ice_killing"}):
        filterset = IncidentFilter(data)
        scans = counting_scans(filterset, "incidents_facetcell", cells=True)
        assert all(scan.startswith("Index Only Scan") for scan in scans), scans
