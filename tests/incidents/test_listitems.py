"""incidents.listitems: the API list's first page, with its dates, addresses and evidence stats
made by PostgreSQL, must be exactly the items IncidentListItemSerializer.item() makes from the
page's rows, in the same order, for every combination of filters that compiled_page serves."""

import orjson
import pytest

from incidents import listitems
from incidents.filters import IncidentFilter
from incidents.models import EvidenceType, Incident
from incidents.serializers import IncidentListItemSerializer
from tests.incidents.factories import EvidenceFactory, IncidentFactory
from tests.incidents.test_compiled_page import incidents, requests  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
LIST = "/api/v1/ice-incidents"


def items_by_python(filterset: IncidentFilter) -> list[dict]:
    rows = filterset.qs.page(0, filterset.limit)
    return [IncidentListItemSerializer.item(row) for row in rows]


@pytest.mark.usefixtures("incidents")
def test_every_combination_gives_what_item_gives():
    checked = 0
    for data in requests():
        filterset = IncidentFilter(data)
        assert filterset.is_valid(), data
        items = listitems.first_page_items(filterset, filterset.limit)
        assert items is not None, data
        expected = items_by_python(filterset)
        assert items == expected, data
        assert [type(v) for item in items for v in item.values()] == [
            type(v) for item in expected for v in item.values()
        ], data
        assert orjson.dumps(items) == orjson.dumps(expected), data
        checked += bool(items)
    assert checked > 100  # most combinations find incidents: the comparison is not of nothing


def test_evidence_stats_count_every_piece_and_only_videos_still_up():
    bare = IncidentFactory(headline="bare")
    linked = IncidentFactory(headline="linked")
    EvidenceFactory(incident=linked)
    EvidenceFactory(incident=linked)
    taken_down = IncidentFactory(headline="taken down")
    EvidenceFactory(
        incident=taken_down,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        is_removed=True,
    )
    video = IncidentFactory(headline="video")
    EvidenceFactory(
        incident=video,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    EvidenceFactory(incident=video, is_removed=True)
    items = listitems.first_page_items(IncidentFilter({}), 100)
    stats = {item["id"]: (item["evidence_count"], item["has_video"]) for item in items}
    assert stats == {
        bare.pk: (0, False),
        linked.pk: (2, False),
        taken_down.pk: (1, False),
        video.pk: (2, True),
    }


def test_addresses_of_empty_and_plain_slugs_are_made_by_postgresql():
    plain = IncidentFactory(headline="Detained at a bus stop")
    empty = IncidentFactory()
    Incident.objects.filter(pk=empty.pk).update(slug="")
    items = listitems.first_page_items(IncidentFilter({}), 100)
    urls = {item["id"]: item["url"] for item in items}
    assert urls == {
        plain.pk: f"/incidents/{plain.pk}-{plain.slug}/",
        empty.pk: f"/incidents/{empty.pk}-incident/",
    }


@pytest.mark.parametrize("slug", ["détenu", "with space"])
def test_a_slug_only_reverse_can_write_sends_the_page_back_to_item(client, slug):
    incident = IncidentFactory()
    Incident.objects.filter(pk=incident.pk).update(slug=slug)
    assert listitems.first_page_items(IncidentFilter({}), 100) is None
    (item,) = client.get(LIST).json()["incidents"]
    incident.slug = slug
    assert item["url"] == incident.get_absolute_url()


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "100"},
        {"state": "TX", "limit": "100"},
        {"q": "incident", "state": "TX", "type": "death_detention"},
        {"q": "incident {n}", "state": "{state}", "type": "{type}"},  # several words
        {"outcome": "died", "citizen": "unknown", "sort": "oldest"},
        {"state": "TX", "limit": "5", "page": "2"},  # a later page: item() as before
    ],
)
def test_the_api_writes_the_same_bytes_either_way(client, monkeypatch, incidents, query):  # noqa: F811
    public = next(incident for incident in incidents if incident.is_public)
    values = {"n": public.headline.split()[-1], "state": public.state}
    query = {
        name: value.format(type=public.incident_type, **values) for name, value in query.items()
    }
    made = client.get(LIST, query, HTTP_ACCEPT_ENCODING="identity").content
    monkeypatch.setattr("incidents.api.first_page_items", lambda filterset, limit: None)
    query["bust"] = "1"  # another address, not the cached page
    built = client.get(LIST, query, HTTP_ACCEPT_ENCODING="identity").content
    assert made.replace(b',"bust":"1"', b"") == built.replace(b',"bust":"1"', b"")
    assert orjson.loads(made)["incidents"]
