"""FacetCount: PostgreSQL's running counts of published incidents per combination of facet
values (migration 0005's trigger) always equal a count of the incidents themselves."""

import random
from collections import Counter

import pytest

from incidents.filters import IncidentFilter
from incidents.models import FacetCount, Incident, IncidentType, Outcome, Verification
from tests.incidents.factories import IncidentFactory
from tests.incidents.runningcounts import (
    counting_scans,
    follows_bulk_statements,
    follows_every_change,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CITIZEN = {True: "yes", False: "no", None: "unknown"}
STATES = ["TX", "CA", "IL", ""]
TYPES = [IncidentType.DEATH_DETENTION, IncidentType.CITIZEN_DETAINED, IncidentType.ICE_KILLING]


def running_counts() -> Counter:
    return Counter(
        {
            (row.incident_type, row.state, row.outcome, row.verification_status, row.citizen): row.n
            for row in FacetCount.objects.all()
            if row.n
        }
    )


def counted_from_incidents() -> Counter:
    return Counter(
        (i.incident_type, i.state, i.outcome, i.verification_status, CITIZEN[i.victim_is_citizen])
        for i in Incident.objects.filter(is_public=True)
    )


def random_values(rng: random.Random) -> dict:
    return {
        "state": rng.choice(STATES),
        "incident_type": rng.choice(TYPES),
        "outcome": rng.choice([Outcome.RELEASED, Outcome.DIED, Outcome.DEPORTED]),
        "verification_status": rng.choice(Verification.values),
        "victim_is_citizen": rng.choice([True, False, None]),
        "is_public": rng.random() < 0.7,
    }


def rename(incident: Incident, step: int) -> None:  # no facet changes
    incident.headline = f"Edited {step}"


def test_running_counts_follow_every_kind_of_change():
    follows_every_change(8, running_counts, counted_from_incidents, random_values, rename, 30)


def test_running_counts_follow_bulk_statements():
    follows_bulk_statements(9, running_counts, counted_from_incidents, random_values)


def test_counts_and_totals_come_from_the_running_counts_when_only_facets_are_chosen():
    rng = random.Random(10)
    for _ in range(25):
        IncidentFactory(**random_values(rng))
    for data in (
        {},
        {"state": "TX"},
        {"state": "TX", "type": "death_detention"},
        {"citizen": "no"},
    ):
        filterset = IncidentFilter(data)
        assert filterset.running_counts_apply()
        assert filterset.count() == filterset.qs.count()
        sql, _params = filterset._facet_counts_sql()
        assert "incidents_facetcount" in sql
        assert filterset.total(filterset.facet_counts()) == filterset.qs.count()
    searched = IncidentFilter({"state": "TX", "q": "number held"})  # two words
    assert not searched.running_counts_apply()
    assert "incidents_facetcount" not in searched._facet_counts_sql()[0]
    assert searched.count() == searched.qs.count()


def test_a_narrower_queryset_is_counted_itself():
    IncidentFactory(headline="Kept", state="TX")
    IncidentFactory(headline="Left out", state="TX")
    filterset = IncidentFilter({"state": "TX"}, queryset=Incident.objects.filter(headline="Kept"))
    assert not filterset.running_counts_apply()
    assert filterset.count() == 1
    assert filterset.facet_counts()["state"] == {"TX": 1}


@pytest.mark.parametrize(
    "data", [{"state": "TX"}, {"type": "death_detention"}, {"state": "TX", "type": "ice_killing"}]
)
def test_counting_a_state_or_a_type_needs_only_the_indexes(data):
    """Migration 0007: both indexes carry every column these statements read, so PostgreSQL
    can answer them from the index alone (an index scan that has to visit the table is what
    the covering columns replace)."""
    filterset = IncidentFilter(data)
    scans = counting_scans(filterset, "incidents_facetcount")
    assert all(scan.startswith("Index Only Scan") for scan in scans), scans
