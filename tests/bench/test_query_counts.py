"""No endpoint issues more SQL queries as the data grows (the benchmark's query-count target).

Each endpoint the benchmark measures is requested with an empty page cache at 120 and at 300
public incidents; the counts must be the same, and are pinned. bench/run.py prints the same
counts at 1k and 100k incidents.
"""

import pytest
from django.db import connection

from bench.endpoints import TYPES, query_count_paths, request_queries
from bench.feeditems import generate_feed_items
from bench.scale import generate_incidents
from incidents.models import EvidenceType, Incident, IncidentType
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "home": 6,  # 7 with statistics loaded (tests/stats pin those)
    "incidents": 2,
    "incidents_page_5": 3,
    "filtered": 2,
    "search": 3,  # on PostgreSQL, one is the search's term (incidents.search.single_term)
    "detail": 4,
    "rapid_response": 2,
    "api_list": 2,
    "api_search": 3,
    "api_detail": 4,
    "api_stats": 7,
    "health": 3,
}


def query_counts(client, paths: dict[str, str]) -> dict[str, int]:
    """As the benchmark counts them: an empty page cache, a search's words never seen before."""
    return {name: len(request_queries(client, path)) for name, path in paths.items()}


def featured_incident() -> Incident:
    """The detail page's incident: matched by both searches, with evidence and a related link."""
    incident = IncidentFactory(
        headline="Warrantless arrest outside a courthouse in Houston",
        summary="Agents detained a father in front of his children's school.",
        incident_type=IncidentType.RIGHTS_VIOLATION,
        state="TX",
    )
    EvidenceFactory(incident=incident, is_primary=True)
    EvidenceFactory(incident=incident, evidence_type=EvidenceType.COURT_DOCUMENT)
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    incident.related_incidents.add(Incident.objects.published().exclude(pk=incident.pk).first())
    return incident


def test_query_counts_do_not_grow_with_the_number_of_incidents(client):
    generate_incidents(public=119, drafts=5, seed=3)  # 6 pages: page 5 exists
    generate_feed_items(sources=3, items=60, seed=3)
    incident = featured_incident()
    paths = query_count_paths(incident.get_absolute_url())
    small = query_counts(client, paths)

    generate_incidents(public=180, drafts=20, seed=4)
    assert Incident.objects.published().count() == 300
    large = query_counts(client, paths)

    assert small == large
    expected = dict(EXPECTED)
    if connection.vendor != "postgresql":  # no term to look up: SQLite counts the incidents
        expected["search"] = expected["api_search"] = 2
    assert large == expected


def test_the_benchmark_searches_every_incident_type():
    assert sorted(TYPES) == sorted(IncidentType.values)
