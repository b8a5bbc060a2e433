"""The timeline's page links (incidents.views.page_query): what Django's `{% querystring %}`
writes, for any query string."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.template import Context, Engine
from hypothesis import given
from hypothesis import strategies as st

from incidents.views import page_query
from tests.incidents.factories import IncidentFactory

QUERYSTRING = Engine().from_string(
    "{% autoescape off %}{% querystring query page=page %}{% endautoescape %}"
)
KEYS = st.sampled_from(["q", "state", "type", "page", "sort", "limit", "nocache", "é ü", "a&b=c"])
VALUES = st.text(max_size=12)


def djangos(query: QueryDict, page: int) -> str:
    return QUERYSTRING.render(Context({"query": query, "page": page}))


@given(st.lists(st.tuples(KEYS, VALUES), max_size=8), st.integers(min_value=1, max_value=10**6))
def test_writes_what_djangos_querystring_writes(pairs, page):
    query = QueryDict(urlencode(pairs))
    assert page_query(query, page) == djangos(query, page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "?page=3"),
        ("state=TX&type=rights_violation", "?state=TX&type=rights_violation&page=3"),
        ("page=9&state=TX", "?page=3&state=TX"),
        ("q=court+order&state=TX&q=judge", "?q=court+order&q=judge&state=TX&page=3"),
        ("page=1&page=2", "?page=3"),
    ],
)
def test_sets_the_page_in_place(query, expected):
    assert page_query(QueryDict(query), 3) == expected == djangos(QueryDict(query), 3)


@pytest.mark.django_db
def test_the_timeline_links_its_pages(client):
    IncidentFactory.create_batch(45, state="TX")
    html = client.get("/incidents/", {"state": "TX", "page": 2}).content.decode()
    assert 'rel="prev" href="?state=TX&amp;page=1"' in html
    assert 'rel="next" href="?state=TX&amp;page=3"' in html
    last = client.get("/incidents/", {"page": 3, "state": "TX"}).content.decode()
    assert 'rel="prev" href="?page=2&amp;state=TX"' in last
    assert 'rel="next"' not in last
