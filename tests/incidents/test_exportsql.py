"""The PostgreSQL-formatted CSV export (incidents/exportsql.py) is byte for byte the Python one."""

import datetime

import pytest
from django.test import RequestFactory

from incidents import export, exportsql
from incidents.filters import IncidentFilter
from incidents.models import EvidenceType, Incident, IncidentType
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

AWKWARD = [
    '=HYPERLINK("http://evil.example")',
    "+1 555",
    "-dash",
    "@at",
    "\ttab",
    "\rreturn",
    'say "hi", then leave',
    "line one\r\nline two\nline three",
    "comma, only",
    "plain école ✊",
    " leading and trailing space ",
]


def awkward_incidents() -> None:
    utc = datetime.UTC
    for n, text in enumerate(AWKWARD):
        incident = IncidentFactory(
            headline=text,
            summary=AWKWARD[-1 - n],
            city=text if n % 2 else "",
            location_detail=text[:50],
            victim_name="" if n % 3 else text[:50],
            victim_age=None if n % 2 else 30 + n,
            victim_is_citizen=[None, True, False][n % 3],
            is_sanctuary_city=bool(n % 2),
            incident_time=[None, datetime.time(14, 5), datetime.time(9, 0, 0, 250000)][n % 3],
            outcome_date=None if n % 2 else datetime.date(2025, 3, 1 + n),
            outcome_notes=text,
            why_it_matters=text if n % 4 == 0 else "",
            corrections_note=text if n % 5 == 0 else "",
            incident_type=IncidentType.CITIZEN_DETAINED if n % 2 else IncidentType.ICE_KILLING,
            incident_date=datetime.date(2025, 1, 1 + n),
        )
        published = datetime.datetime(2025, 4, 1, 12, 0, n, 123456 * (n % 2), tzinfo=utc)
        Incident.objects.filter(pk=incident.pk).update(first_published_at=published)
        if n % 4 == 1:
            continue  # no evidence at all
        EvidenceFactory(incident=incident, is_primary=n % 3 != 0, source_name=text[:50])
        EvidenceFactory(
            incident=incident,
            evidence_type=EvidenceType.VIDEO_YOUTUBE,
            url=f"https://www.youtube.com/watch?v=abcdefghi{n:02d}",
            is_removed=n % 2 == 0,
            captured_date=None if n % 2 else datetime.date(2025, 1, 1),
            source_name="",
        )


def both_writers(query: dict, chunk_size: int) -> tuple[str, str]:
    request = RequestFactory().get("/incidents/export.csv", query)
    queryset = IncidentFilter(request.GET).qs
    python = "".join(export.stream(export.rows(queryset, request)))
    pages = request.build_absolute_uri("/incidents/")
    lines = exportsql.lines(queryset, export.HEADER, pages, chunk_size)
    return python, "".join(export.stream_sql_lines(lines))


@pytest.mark.parametrize(
    "query", [{}, {"sort": "oldest"}, {"q": "line"}, {"type": "ice_killing", "sort": "updated"}]
)
@pytest.mark.parametrize("chunk_size", [1, 4, 1000])
def test_postgresql_writes_exactly_what_python_writes(query, chunk_size):
    awkward_incidents()
    IncidentFactory(is_public=False, headline="a draft")
    python, sql = both_writers(query, chunk_size)
    assert python.count("\r\n") > 1
    assert sql == python


def test_the_sql_neutralises_the_formula_starts_that_python_does():
    codes = ", ".join(str(ord(start)) for start in export.FORMULA_STARTS)
    assert f"({codes})" == exportsql.FORMULA_START_CODES


def test_every_column_has_its_sql_so_postgresql_uses_the_fast_writer():
    assert exportsql.supports(export.HEADER, Incident.objects.all())


def test_the_export_answers_with_the_fast_writer_on_postgresql(client):
    awkward_incidents()
    response = client.get("/incidents/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    python, _sql = both_writers({}, 1000)
    assert body.replace("http://testserver", "") == python.replace("http://testserver", "")
