import csv
import datetime
import io

import pytest

from incidents.export import HEADER, cell
from incidents.models import EvidenceType
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db

EXPORT = "/incidents/export.csv"

# The documented column order; changing it breaks people's scripts.
EXPECTED_HEADER = [
    "id",
    "url",
    "headline",
    "incident_type",
    "incident_date",
    "incident_time",
    "city",
    "state",
    "location_detail",
    "is_sanctuary_city",
    "victim_name",
    "victim_age",
    "victim_is_citizen",
    "victim_count",
    "outcome",
    "outcome_date",
    "outcome_notes",
    "verification_status",
    "summary",
    "why_it_matters",
    "corrections_note",
    "evidence_count",
    "has_video",
    "primary_source_name",
    "primary_source_url",
    "evidence_urls",
    "first_published_at",
    "updated_at",
]


def download(client, params=None) -> tuple[object, list[dict[str, str]]]:
    response = client.get(EXPORT, params or {})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == EXPECTED_HEADER
    return response, [dict(zip(header, row, strict=True)) for row in reader]


def test_header_is_stable():
    assert HEADER == EXPECTED_HEADER


def test_one_row_per_public_incident_with_evidence_urls(client):
    incident = IncidentFactory(headline="Exported", victim_is_citizen=None, victim_age=31)
    EvidenceFactory(incident=incident, url="https://news.example.org/second", source_name="Second")
    EvidenceFactory(
        incident=incident,
        url="https://news.example.org/main",
        source_name="Main Paper",
        is_primary=True,
    )
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://youtu.be/dQw4w9WgXcQ",
    )
    IncidentFactory(headline="Draft", is_public=False)
    response, rows = download(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ice-incidents-')
    [row] = rows
    assert row["headline"] == "Exported"
    assert row["url"] == f"http://testserver{incident.get_absolute_url()}"
    assert row["evidence_count"] == "3"
    assert row["has_video"] == "true"
    assert row["victim_is_citizen"] == ""
    assert row["victim_age"] == "31"
    assert row["primary_source_name"] == "Main Paper"
    assert row["primary_source_url"] == "https://news.example.org/main"
    assert row["evidence_urls"].split(" | ") == [
        "https://news.example.org/main",
        "https://news.example.org/second",
        "https://youtu.be/dQw4w9WgXcQ",
    ]
    assert row["incident_date"] == incident.incident_date.isoformat()


def test_same_filters_as_the_page(client):
    IncidentFactory(headline="Texas", state="TX", incident_date=datetime.date(2025, 1, 1))
    IncidentFactory(headline="Texas old", state="TX", incident_date=datetime.date(2020, 1, 1))
    IncidentFactory(headline="Ohio", state="OH")
    _, rows = download(client, {"state": "TX", "date_after": "2024-01-01"})
    assert [row["headline"] for row in rows] == ["Texas"]
    _, rows = download(client, {"state": "TX", "sort": "oldest"})
    assert [row["headline"] for row in rows] == ["Texas old", "Texas"]
    _, rows = download(client, {"q": "the"})
    assert rows == []


def test_invalid_filters_are_a_400_not_an_unfiltered_file(client):
    IncidentFactory()
    response = client.get(EXPORT, {"state": "Narnia"})
    assert response.status_code == 400
    assert "state" in response.content.decode()
    assert not response.streaming


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain text", "Plain text"),
        (None, ""),
        (True, "true"),
        (False, "false"),
        (5, "5"),
        (datetime.date(2025, 1, 2), "2025-01-02"),
    ],
)
def test_cells(value, expected):
    assert cell(value) == expected


def test_formula_injection_is_neutralised_in_the_file(client):
    IncidentFactory(headline="=cmd|' /C calc'!A0", summary="+SUM(1)", city="@city")
    _, [row] = download(client)
    assert row["headline"] == "'=cmd|' /C calc'!A0"
    assert row["summary"] == "'+SUM(1)"
    assert row["city"] == "'@city"


def test_export_reads_rows_in_chunks_with_one_evidence_query_per_chunk(
    client, django_assert_max_num_queries, monkeypatch
):
    from incidents import export

    monkeypatch.setattr(export, "CHUNK_SIZE", 10)
    for _ in range(25):
        EvidenceFactory(incident=IncidentFactory())
    # 3 chunks of incidents + 3 evidence prefetches (+ cursor bookkeeping on PostgreSQL)
    with django_assert_max_num_queries(8):
        _, rows = download(client)
    assert len(rows) == 25
