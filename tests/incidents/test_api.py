import datetime

import pytest

from incidents.models import EvidenceType, IncidentType
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/ice-incidents"
DETAIL = "/api/v1/ice-incident"


def test_list_has_the_spec_shape(client):
    incident = IncidentFactory(state="TX", victim_is_citizen=True)
    EvidenceFactory(incident=incident)
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://youtu.be/dQw4w9WgXcQ",
    )
    body = client.get(LIST).json()
    [item] = body["incidents"]
    assert set(item) >= {
        "id",
        "headline",
        "summary",
        "incident_type",
        "incident_date",
        "city",
        "state",
        "outcome",
        "verification_status",
        "victim_is_citizen",
        "evidence_count",
        "has_video",
    }
    assert item["evidence_count"] == 2
    assert item["has_video"] is True
    assert item["incident_date"] == incident.incident_date.isoformat()
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 1, "has_more": False}
    assert body["filters_applied"]["type"] is None
    assert body["filters_applied"]["state"] is None
    assert body["filters_applied"]["outcome"] is None
    assert "agent_name" not in item


def test_filters_and_filters_applied(client):
    IncidentFactory(state="TX", incident_type=IncidentType.DEATH_DETENTION, headline="A")
    IncidentFactory(state="TX", headline="B")
    IncidentFactory(state="CA", incident_type=IncidentType.DEATH_DETENTION, headline="C")
    IncidentFactory(state="TX", incident_type=IncidentType.DEATH_DETENTION, is_public=False)
    body = client.get(LIST, {"type": "death_detention", "state": "TX"}).json()
    assert [i["headline"] for i in body["incidents"]] == ["A"]
    assert body["filters_applied"]["type"] == "death_detention"
    assert body["filters_applied"]["state"] == "TX"
    assert body["pagination"]["total"] == 1


def test_date_and_text_filters(client):
    IncidentFactory(headline="Raid at a church", incident_date=datetime.date(2025, 2, 1))
    IncidentFactory(headline="Raid at a farm", incident_date=datetime.date(2024, 2, 1))
    body = client.get(LIST, {"q": "raid", "date_after": "2025-01-01"}).json()
    assert [i["headline"] for i in body["incidents"]] == ["Raid at a church"]
    assert body["filters_applied"]["date_after"] == "2025-01-01"
    assert client.get(LIST, {"q": "the"}).json()["incidents"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"type": "nonsense"}, "type"),
        ({"state": "Texas"}, "state"),
        ({"outcome": "maybe"}, "outcome"),
        ({"verification": "true"}, "verification"),
        ({"date_after": "01/02/2025"}, "date_after"),
        ({"date_before": "2025-13-01"}, "date_before"),
        ({"date_after": "2025-05-01", "date_before": "2025-01-01"}, "date_before"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_invalid_parameters_are_a_400_naming_them(client, params, field):
    IncidentFactory()
    response = client.get(LIST, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert field in error["fields"]
    assert field in error["message"]
    assert "incidents" not in response.json()


def test_limit_defaults_to_20_and_is_capped_at_100(client):
    IncidentFactory.create_batch(105)
    assert len(client.get(LIST).json()["incidents"]) == 20
    body = client.get(LIST, {"limit": 1000}).json()
    assert len(body["incidents"]) == 100
    assert body["pagination"]["limit"] == 100
    assert body["pagination"]["has_more"] is True


def test_paging_to_the_end_and_past_it(client):
    IncidentFactory.create_batch(5)
    last = client.get(LIST, {"limit": 2, "page": 3}).json()
    assert len(last["incidents"]) == 1
    assert last["pagination"] == {"page": 3, "limit": 2, "total": 5, "has_more": False}
    past = client.get(LIST, {"limit": 2, "page": 50})
    assert past.status_code == 200
    assert past.json()["incidents"] == []
    assert past.json()["pagination"]["has_more"] is False


def test_list_items_are_what_drf_generic_serializer_gives():
    from rest_framework import serializers as drf

    from incidents.models import LIST_FIELDS, Incident
    from incidents.serializers import IncidentListItemSerializer

    for citizen in (True, False, None):
        incident = IncidentFactory(victim_is_citizen=citizen, city="", state="")
        EvidenceFactory(incident=incident, evidence_type=EvidenceType.VIDEO_YOUTUBE)
    IncidentFactory()  # no evidence at all
    ordered = Incident.objects.order_by("pk")
    rows = list(ordered.with_evidence_stats().only(*LIST_FIELDS))
    assert len(rows) == 4
    for start in (0, 1):  # a first page is one query, a later one two
        as_dicts = ordered.page(start, 10)
        assert [row["id"] for row in as_dicts] == [row.pk for row in rows[start:]]
        for row, as_dict in zip(rows[start:], as_dicts, strict=True):
            generic = drf.ModelSerializer.to_representation(IncidentListItemSerializer(), row)
            fast = IncidentListItemSerializer(row).data
            assert fast == generic
            assert IncidentListItemSerializer.item(as_dict) == generic
            assert list(fast) == list(generic) == IncidentListItemSerializer.Meta.fields


@pytest.mark.parametrize("rows", [3, 40])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    for _ in range(rows):
        EvidenceFactory(incident=IncidentFactory())
    # the first page: the count, then the page's incidents with their evidence stats
    with django_assert_num_queries(2):
        client.get(LIST, {"limit": 100})
    with django_assert_num_queries(2):
        client.get(LIST, {"limit": 5, "state": "TX"})
    # a later page: the count, the ids of the page, those incidents with their evidence stats
    with django_assert_num_queries(3):
        client.get(LIST, {"limit": 2, "page": 2})


def test_detail_has_the_spec_shape_and_never_returns_stored_embed_html(client):
    incident = IncidentFactory(spicy_summary="Editorial.", why_it_matters="Context.")
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        embed_html="<script>alert(1)</script>",
        is_primary=True,
    )
    EvidenceFactory(incident=incident, embed_html="<iframe src='https://evil.example'></iframe>")
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_TIKTOK,
        url="https://www.tiktok.com/@u/video/7301234567890123456",
        is_removed=True,
        removed_date=datetime.date(2025, 3, 3),
    )
    related = IncidentFactory(headline="Linked")
    incident.related_incidents.add(related)
    body = client.get(DETAIL, {"id": incident.pk}).json()
    assert body["incident"]["id"] == incident.pk
    assert set(body["incident"]) >= {
        "headline",
        "summary",
        "spicy_summary",
        "why_it_matters",
        "incident_type",
        "incident_date",
        "city",
        "state",
        "location_detail",
        "victim_name",
        "victim_is_citizen",
        "outcome",
        "outcome_notes",
        "verification_status",
    }
    video, article, removed = body["evidence"]
    assert video["embed_html"].startswith('<iframe class="embed-frame')
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in video["embed_html"]
    assert article["embed_html"] == ""
    assert removed["embed_html"] == ""
    assert removed["is_removed"] is True
    assert "evil" not in str(body)
    assert "alert" not in str(body)
    [story] = body["related_stories"]
    assert set(story) == {"id", "headline", "published_at", "url"}
    assert (story["id"], story["headline"]) == (related.pk, "Linked")
    assert story["url"] == related.get_absolute_url()
    assert story["published_at"].startswith(related.first_published_at.date().isoformat())


def test_detail_errors(client):
    draft = IncidentFactory(is_public=False)
    not_found = client.get(DETAIL, {"id": draft.pk})
    assert not_found.status_code == 404
    assert not_found.json()["error"]["status"] == 404
    assert client.get(DETAIL, {"id": 987654}).status_code == 404
    for params in ({}, {"id": "abc"}, {"id": "-1"}, {"id": "1.5"}):
        response = client.get(DETAIL, params)
        assert response.status_code == 400
        assert "id" in response.json()["error"]["fields"]


def test_api_pages_follow_publishing_at_once(client, django_capture_on_commit_callbacks):
    incident = IncidentFactory(is_public=False)
    assert client.get(LIST).json()["pagination"]["total"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        incident.is_public = True
        incident.save()
    assert client.get(LIST).json()["pagination"]["total"] == 1
    assert client.get(DETAIL, {"id": incident.pk}).status_code == 200


def test_both_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/ice-incidents" in schema
    assert "/api/v1/ice-incident:" in schema or '"/api/v1/ice-incident"' in schema
    for name in ("date_after", "date_before", "verification", "limit", "IceIncidentsResponse"):
        assert name in schema
