"""FastJSONRenderer writes the bytes DRF's JSONRenderer writes."""

import datetime
import decimal
import json
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from icetracker.renderers import FastJSONRenderer
from tests.incidents.factories import EvidenceFactory, IncidentFactory
from tests.rapidresponse.factories import NetworkFactory
from tests.stats.factories import IceStatFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def is_plain(number: float) -> bool:
    """Written without an exponent by both encoders (see the renderer's docstring)."""
    return number == 0 or 1e-4 <= abs(number) < 1e16


texts = st.text(
    st.characters(blacklist_categories=["Cs"]) | st.sampled_from('\u2028\u2029\x00\x7f"\\/<é😀')
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False, max_value=1e15).filter(is_plain)
    | texts
    | st.dates()
    | st.datetimes()
    | st.datetimes(timezones=st.sampled_from([datetime.UTC, NEW_YORK]))
    | st.times()
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.uuids()
    | st.builds(gettext_lazy, st.sampled_from(["Type", "State", "Not found."]))
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(texts, inner, max_size=5)
    ),
    max_leaves=30,
)


def both(data, media_type=None) -> tuple[bytes, bytes]:
    context = {}
    return (
        FastJSONRenderer().render(data, media_type, context),
        JSONRenderer().render(data, media_type, context),
    )


def test_the_project_keeps_drfs_json_defaults():
    # The renderer writes compact UTF-8 and refuses nothing DRF's strict mode would accept.
    assert api_settings.UNICODE_JSON
    assert api_settings.COMPACT_JSON
    assert api_settings.STRICT_JSON
    renderers = api_settings.DEFAULT_RENDERER_CLASSES
    assert renderers == [FastJSONRenderer]


@settings(max_examples=300, deadline=None)
@given(documents)
def test_same_bytes_as_drf_for_any_document(data):
    fast, drf = both(data)
    assert fast == drf


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_is_the_same_number(number):
    fast, drf = both([number])
    assert json.loads(fast) == json.loads(drf)


@pytest.mark.parametrize(
    "data",
    [
        {"line": "a\u2028b\u2029c"},
        {"when": datetime.datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=datetime.UTC)},
        {"when": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=NEW_YORK)},
        {"amount": decimal.Decimal("12.50"), "id": uuid.UUID(int=7)},
        {"huge": 2**80},  # beyond orjson: DRF's renderer writes it
        {1: "a non-string key"},  # likewise
        None,
    ],
)
def test_same_bytes_as_drf_for_awkward_values(data):
    fast, drf = both(data)
    assert fast == drf


def test_pretty_printing_on_request_is_drfs():
    fast, drf = both({"a": [1, 2]}, "application/json; indent=2")
    assert fast == drf
    assert b"\n" in fast


def test_errors_are_drfs():
    with pytest.raises(TypeError):
        FastJSONRenderer().render({"a": object()})
    with pytest.raises(ValueError, match="timezone-aware"):
        FastJSONRenderer().render({"a": datetime.time(1, tzinfo=datetime.UTC)})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ice-incidents?limit=100",
        "/api/v1/ice-incidents?state=CA&type=ice_killing",
        "/api/v1/ice-incidents?limit=zero",  # a 400 error body
        "/api/v1/ice-incident?id={incident}",
        "/api/v1/ice-stats",
        "/api/v1/rapid-response?state=CA",
        "/api/v1/health",
    ],
)
def test_api_responses_are_what_drfs_renderer_writes(client, path):
    incident = IncidentFactory(state="CA", is_public=True, headline="Fallecimiento — “custodia”")
    IncidentFactory.create_batch(3, is_public=True)
    EvidenceFactory(incident=incident)
    IceStatFactory()
    NetworkFactory(state="CA")
    response = client.get(path.format(incident=incident.pk))
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"
    assert response.content == JSONRenderer().render(response.data)
