"""Hypothesis fuzzes every public query parameter of every API endpoint and page, and every
path parameter: the answer is always 200, 400 or 404 (or a redirect that stays on the site),
never a 500; JSON endpoints always answer JSON, errors in the shared error shape; HTML pages
never reflect executable markup; no anonymous answer sets a cookie.

Parameters are discovered, so new ones are fuzzed without editing this file:
- API endpoints: from the OpenAPI schema (drf-spectacular, built from the FilterSets and the
  query serializers), which lists every query parameter with its type and allowed values;
- pages: from the form or FilterSet each page validates its query with (PAGE_PARAMETERS), with
  an explicit list for the few parameters a view reads directly;
- path parameters: from each URL pattern's converters.
Every public URL pattern must be covered: a new one fails `test_every_public_url_is_fuzzed`.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from icetracker.geography import STATE_CODES
from incidents.filters import IncidentFilter
from incidents.models import IncidentType, Verification
from stats.forms import FacilityFilterForm
from tests.incidents.factories import IncidentFactory
from tests.security.htmlcheck import executable_html_problems
from tests.security.payloads import CSV_FORMULA_PAYLOADS, XSS_PAYLOADS
from tests.security.public_urls import build_world, samples_for
from tests.security.urlwalk import Route, public_routes

pytestmark = pytest.mark.django_db

EXAMPLES = 40  # per endpoint with parameters of its own, spread over its parameters
MIN_PER_PARAM = 5  # the least examples a parameter gets (an endpoint with many gets more)
SLOW = {"api-schema"}  # the OpenAPI document takes ~0.1 s to build
FEW_PER_PARAM = 5
FEW_EXAMPLES = 12  # per endpoint that reads no parameter (only unknown ones are sent)
PATH_EXAMPLES = 25  # per URL pattern with path parameters
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The database rows are built once per test by a function-scoped fixture and only read
    # by the examples; the page cache and the throttle counters are cleared in each example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 400, 404}
STATE_CODES_AND_US = (*sorted(STATE_CODES), "US", "tx", " ca ")
REDIRECTS = {301, 302}


@dataclass(frozen=True)
class Param:
    name: str
    known: tuple[str, ...] = ()  # valid values, so examples also reach the deep code paths
    kind: str = "text"  # "integer", "date" or "text": picks the hostile values tried most


@dataclass(frozen=True)
class Endpoint:
    route: str  # route name
    path: str
    params: tuple[Param, ...]
    api: bool

    def __str__(self) -> str:
        return self.path


# --- Discovering the parameters ------------------------------------------------------------


def api_endpoints() -> list[Endpoint]:
    """Every API operation in the OpenAPI schema with its query parameters."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = []
    for path, operations in schema["paths"].items():
        parameters = tuple(
            Param(p["name"], known_values(p["name"], p["schema"]), kind_of(p["schema"]))
            for p in operations.get("get", {}).get("parameters", [])
            if p["in"] == "query"
        )
        endpoints.append(Endpoint(_route_name(path), path, parameters, api=True))
    return endpoints


def kind_of(schema: dict) -> str:
    if schema.get("type") == "integer":
        return "integer"
    return "date" if schema.get("format") == "date" else "text"


def known_values(name: str, schema: dict) -> tuple[str, ...]:
    if schema.get("enum"):
        return tuple(str(value) for value in schema["enum"])
    if name == "state":
        return STATE_CODES_AND_US
    if schema.get("type") == "integer":
        return ("1", "2", "20", "100")
    if schema.get("format") == "date":
        return ("2025-01-01", "2026-06-30")
    return ("raid", "ice raid", '"detention center"', "-raid")


def _route_name(path: str) -> str:
    for route in public_routes():
        if route.resolves_to_me(path):
            return route.name or route.route
    raise AssertionError(f"{path} is in the OpenAPI schema but no public route serves it")


def form_params(form: forms.Form) -> tuple[Param, ...]:
    params = []
    for name, field in form.fields.items():
        choices = [str(value) for value, _label in getattr(field, "choices", []) if value != ""]
        schema = {"enum": choices}
        if isinstance(field, forms.IntegerField):
            schema["type"] = "integer"
        elif isinstance(field, forms.DateField):
            schema["format"] = "date"
        params.append(Param(name, known_values(name, schema), kind_of(schema)))
    return tuple(params)


STATE_PARAM = Param("state", STATE_CODES_AND_US)

# Pages: what each one validates its query string with. Views that read a parameter directly
# (not through a form) list it by hand.
PAGE_PARAMETERS: dict[str, Callable[[], tuple[Param, ...]]] = {
    "incidents:list": lambda: form_params(IncidentFilter().form),
    "incidents:export": lambda: form_params(IncidentFilter().form),
    "stats:detention": lambda: form_params(FacilityFilterForm()),
    "rapidresponse:index": lambda: (STATE_PARAM,),  # DirectoryView.index reads ?state=
    "rapidresponse:state": lambda: (STATE_PARAM,),
    # django.contrib.sitemaps paginates with ?p=
    "sitemap-index": lambda: (Param("p", ("1", "2"), "integer"),),
    "django.contrib.sitemaps.views.sitemap": lambda: (Param("p", ("1", "2"), "integer"),),
    "api-schema": lambda: (
        Param("format", ("json", "yaml")),
        Param("lang", ("en", "es")),
        Param("version", ("1",)),
    ),
}
# Routes reached only through other entries (the schema is not itself in the schema).
ROUTE_ALIASES = {"schema": "api-schema"}


def page_endpoints() -> list[Endpoint]:
    """Every public route without path parameters that the OpenAPI schema does not cover."""
    in_schema = {endpoint.route for endpoint in api_endpoints()}
    endpoints = []
    for route in public_routes():
        if route.params or route.name in in_schema:
            continue
        name = ROUTE_ALIASES.get(route.name, route.name)
        params = PAGE_PARAMETERS.get(name, tuple)()
        path = route.fill({})
        assert path, f"cannot build a path for {route}"
        endpoints.append(Endpoint(name, path, params, api=path.startswith("/api/")))
    return endpoints


API_ENDPOINTS = api_endpoints()
PAGE_ENDPOINTS = page_endpoints()
WITH_PARAMS = [e for e in API_ENDPOINTS + PAGE_ENDPOINTS if e.params]
FOCUS = [(endpoint, param) for endpoint in WITH_PARAMS for param in endpoint.params]
WITHOUT_PARAMS = [e for e in API_ENDPOINTS + PAGE_ENDPOINTS if not e.params]
PATH_ROUTES = [route for route in public_routes() if route.params]


# --- Values ----------------------------------------------------------------------------------

ODD_STRINGS = [
    *XSS_PAYLOADS,
    *CSV_FORMULA_PAYLOADS,
    "\x00",
    "a\x00b",
    "raid\x00",
    "' OR 1=1 --",
    "'; DROP TABLE incidents_incident; --",
    "\\",
    "../../../etc/passwd",
    "%00",
    "%",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "0x10",
    "1_000",
    "٣",  # an Arabic-Indic digit: int() accepts it
    "１２",  # fullwidth digits
    "\u202eevil",
    "\ufeffraid",
    "\U0001f600",
    " ",
    "",
    "true",
    "null",
    "[]",
    "{}",
    "2025-02-30",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "2025-1-1",
    "01/02/2025",
    "2025-01-01T00:00:00",
]
# Pieces of PostgreSQL websearch / tsquery syntax, joined at random.
SEARCH_PIECES = [
    '"',
    "-",
    "or",
    "OR",
    "and",
    "(",
    ")",
    "&",
    "|",
    "!",
    ":*",
    "<->",
    "<2>",
    "'",
    "\\",
    " ",
    "raid",
    "ice",
    "detention",
    "the",
    "a",
    "*",
    ":",
    "@@",
    "é",
    "ß",
    "日本",
    "\x00",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40), st.integers(min_value=-3, max_value=200)
).map(str)
LONG = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["a", "9", "-", '"', "é", "raid ", "\x00"]),
    st.integers(min_value=201, max_value=20_000),
)
SEARCH = st.lists(st.sampled_from(SEARCH_PIECES), max_size=12).map("".join)
DATES = st.dates().map(date.isoformat)
VALUES = st.one_of(st.sampled_from(ODD_STRINGS), TEXT, NUMBERS, LONG, SEARCH, DATES)
INTEGER_EDGES = [
    "0",
    "-1",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1" + "0" * 40,
    "9" * 5000,
    "1.5",
    "1e3",
    " 1",
    "+1",
    "0x1",
    "0" * 30 + "1",
]
DATE_EDGES = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-29",
    "2025-02-29",
    "2025-13-01",
    "2025-00-10",
    "10000-01-01",
    "-2025-01-01",
    "2025-01-01\x00",
    "２０２５-01-01",
]
# Tried on every parameter of its kind, every run (Hypothesis explicit examples).
EDGES = {
    "integer": [
        "0",
        "-1",
        "2147483648",
        "9223372036854775807",
        "9223372036854775808",
        "1" + "0" * 40,
        "9" * 5000,
        "1e3",
    ],
    "date": ["0001-01-01", "9999-12-31", "2025-02-29", "10000-01-01", "2025-01-01\x00"],
    "text": ["\x00", "raid\x00raid", XSS_PAYLOADS[1], "a" * 20_000, '"(" or -:* <-> !', "１２"],
}
HOSTILE = {
    "integer": st.one_of(st.sampled_from(INTEGER_EDGES), NUMBERS),
    "date": st.one_of(st.sampled_from(DATE_EDGES), DATES),
    "text": st.one_of(st.sampled_from(ODD_STRINGS), SEARCH, LONG),
}
UNKNOWN_NAMES = st.one_of(
    # DRF reads ?format= on every API view (URL_FORMAT_OVERRIDE).
    st.sampled_from(["x", "q[]", "page[size]", "__proto__", "limit\x00", "", "format", "id"]),
    TEXT,
)
# Malformed bits of query string that urlencode would never produce.
RAW_TAILS = ["&", "&&=", "=", "%", "%zz", "%ff%fe", "q=%00", "a=b=c", "q=%C0%AE", ";x=1"]


def hostile(param: Param) -> st.SearchStrategy[str]:
    """Values aimed at the parameter's type, anything else now and then, and case and space
    variants of its valid values."""
    variants = [f(value) for value in param.known for f in (str.upper, str.lower, " {} ".format)]
    return st.one_of(
        HOSTILE[param.kind],
        HOSTILE[param.kind],
        VALUES,
        st.sampled_from(variants) if variants else VALUES,
    )


@st.composite
def query_strings(draw, params: tuple[Param, ...], focus: Param | None = None) -> str:
    """A hostile value for the focus parameter among up to three other name=value pairs
    (names may repeat): mostly the endpoint's own parameters with valid values (so examples get
    past validation to the queries), some hostile, some unknown names, and now and then a
    malformed tail."""
    pairs = [(focus.name, draw(hostile(focus)))] if focus else []
    for _n in range(draw(st.integers(min_value=0, max_value=3))):
        roll = draw(st.integers(min_value=0, max_value=9))
        if params and roll < 8:
            param = draw(st.sampled_from(params))
            valid = bool(param.known) and roll < 5
            pairs.append((param.name, draw(st.sampled_from(param.known) if valid else VALUES)))
        else:
            pairs.append((draw(UNKNOWN_NAMES), draw(VALUES)))
    if focus and len(pairs) > 1 and draw(st.booleans()):
        pairs.append(pairs.pop(0))  # the last of repeated values is the one most code reads
    malformed = draw(st.integers(min_value=0, max_value=3)) == 3
    return urlencode(pairs) + (draw(st.sampled_from(RAW_TAILS)) if malformed else "")


# --- Checks ----------------------------------------------------------------------------------


@pytest.fixture
def world(settings):
    """Rows for every page to work on, and API rates high enough for hundreds of requests."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"burst": "100000/min", "sustained": "100000/hour"},
    }
    world = build_world()  # statistics and directory entries included
    IncidentFactory(
        headline="ICE raid at a detention center",
        state="CA",
        incident_type=IncidentType.SENSITIVE_LOCATION,
        verification_status=Verification.VERIFIED,
        victim_is_citizen=True,
    )
    return world


def fetch(client, path: str, query: str):
    cache.clear()  # no cached page, and no throttle counter, carries over between examples
    return client.get(f"{path}?{query}" if query else path)


def check(response, target: str, *, api: bool) -> None:
    status = response.status_code
    where = f"GET {target} -> {status}"
    # The CSV export is streamed: its queries run while the body is sent.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert not response.cookies, f"{where}: set cookies {list(response.cookies)}"
    assert "Content-Security-Policy" in response.headers, where
    if api:
        assert status in ALLOWED, where
        if "/schema" in target:
            return  # the OpenAPI document is YAML unless ?format=json
        assert response.headers["Content-Type"] == "application/json", where
        data = json.loads(body)
        if status != 200:
            error = data["error"]
            assert error["status"] == status, where
            assert error["message"], where
        return
    assert status in ALLOWED | REDIRECTS, where
    if status in REDIRECTS:
        location = response.headers["Location"]
        assert location.startswith("/"), f"{where}: redirects off the site to {location}"
        assert not location.startswith("//"), f"{where}: redirects off the site to {location}"
        return
    if response.headers.get("Content-Type", "").startswith("text/html"):
        problems = executable_html_problems(body.decode())
        assert not problems, f"{where}: {problems}"


def test_every_public_url_is_fuzzed():
    fuzzed = {e.path for e in API_ENDPOINTS + PAGE_ENDPOINTS}
    for route in public_routes():
        if not route.params:
            assert route.fill({}) in fuzzed, f"{route} is not fuzzed"
    api_paths = {route.fill({}) for route in public_routes() if route.route.startswith("api/")}
    assert api_paths - {"/api/v1/schema"} <= {e.path for e in API_ENDPOINTS}
    assert "/api/v1/schema" not in {e.path for e in API_ENDPOINTS}, "the schema lists itself"
    # Discovery found the parameters (a broken discovery would fuzz nothing).
    params = {e.route: {p.name for p in e.params} for e in WITH_PARAMS}
    assert {"q", "type", "state", "date_after", "page", "limit", "sort"} <= params["incidents:list"]
    assert {"period", "admin"} <= params["stats-api:ice-stats"]
    assert {"state", "sort"} <= params["stats:detention"]
    assert {"id"} <= params["incidents-api:ice-incident"]
    assert {"state"} <= params["rapidresponse-api:rapid-response"]


def examples_for(endpoint: Endpoint) -> int:
    """About EXAMPLES per endpoint, spread over its parameters, each getting at least
    MIN_PER_PARAM; the OpenAPI document (~0.1 s to build) gets a few per parameter."""
    if endpoint.route in SLOW:
        return FEW_PER_PARAM
    return max(MIN_PER_PARAM, EXAMPLES // len(endpoint.params))


@pytest.mark.parametrize(("endpoint", "param"), FOCUS, ids=[f"{e.path}?{p.name}" for e, p in FOCUS])
def test_query_parameter(endpoint, param, client, world):
    """Random examples, and every edge value of the parameter's kind on its own."""

    def request(query: str) -> None:
        check(fetch(client, endpoint.path, query), f"{endpoint.path}?{query}", api=endpoint.api)

    fuzz = given(query=query_strings(endpoint.params, focus=param))(request)
    for edge in EDGES[param.kind]:
        fuzz = example(query=urlencode({param.name: edge}))(fuzz)
    settings(FUZZ, max_examples=examples_for(endpoint))(fuzz)()


@pytest.mark.parametrize("endpoint", WITHOUT_PARAMS, ids=str)
@settings(FUZZ, max_examples=FEW_EXAMPLES)
@given(data=st.data())
def test_unknown_parameters_are_harmless(endpoint, data, client, world):
    query = data.draw(query_strings(()), label="query")
    response = fetch(client, endpoint.path, query)
    check(response, f"{endpoint.path}?{query}", api=endpoint.api)


CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
PATH_VALUES = {
    "int": st.one_of(
        st.sampled_from([edge for edge in INTEGER_EDGES if edge.isdigit()]),
        NUMBERS.filter(str.isdigit),
    ),
    "slug": st.one_of(st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True), VALUES),
    "str": VALUES,
}


def known_path_values(route: Route, world) -> dict[str, set[str]]:
    """Path parameter values that resolve, read off the route's SAMPLES paths."""
    known: dict[str, set[str]] = {}
    for sample in samples_for(route, world):
        match = re.fullmatch(route.regex, sample.path.split("?")[0][1:])
        for name, value in (match.groupdict() if match else {}).items():
            known.setdefault(name, set()).add(value)
    return known


@st.composite
def paths(draw, route: Route, known: dict[str, set[str]]) -> str:
    def value(match: re.Match) -> str:
        valid = sorted(known.get(match["name"], ()))
        if valid and draw(st.booleans()):
            return quote(draw(st.sampled_from(valid)), safe="")
        return quote(draw(PATH_VALUES.get(match["converter"] or "str", VALUES)), safe="")

    return "/" + CONVERTER.sub(value, route.route)


@pytest.mark.parametrize("route", PATH_ROUTES, ids=str)
@settings(FUZZ, max_examples=PATH_EXAMPLES)
@given(data=st.data())
def test_path_parameters(route, data, client, world):
    path = data.draw(paths(route, known_path_values(route, world)), label="path")
    query = data.draw(query_strings(PAGE_PARAMETERS.get(route.name, tuple)()), label="query")
    response = fetch(client, path, query)
    check(response, f"{path}?{query}", api=path.startswith("/api/"))


def test_the_schema_ignores_a_requested_version_and_unknown_languages(client):
    """drf-spectacular copied ?version= into a header (a newline was a 500) and the document,
    and activated any ?lang= (a catalogue kept in memory for each new value)."""
    response = client.get("/api/v1/schema", {"version": "1\r\nSet-Cookie: a=b", "format": "json"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers["Content-Disposition"]
    assert "Set-Cookie" not in response.content.decode()
    assert client.get("/api/v1/schema", {"lang": "es"}).status_code == 200
    refused = client.get("/api/v1/schema", {"lang": "../../zz", "format": "json"})
    assert refused.status_code == 400
    assert "lang" in refused.json()["error"]["fields"]
