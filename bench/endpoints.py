"""The endpoints the benchmark measures, shared by the load runner and the query-count checks."""

import itertools
from dataclasses import dataclass

# Words that occur in the incidents (generated and real), for the uncached search requests.
WORDS = [
    "courthouse", "school", "church", "hospital", "warrantless", "vigil", "insulin", "dialysis",
    "farm", "restaurant", "traffic", "bystander", "lawyer", "judge", "consulate", "complaint",
    "witnesses", "neighbours", "unmarked", "masked", "children", "investigation", "policy",
    "hearing", "record", "phones", "transfer", "custody", "citizen", "deported", "agents",
    "arrest", "family", "officials", "construction", "surgery", "medication", "vehicle",
    "court order", "school gate", "federal judge", "car wash", "home depot", "mental health",
]  # fmt: skip
# incidents.models.IncidentType's values (this module is imported before Django is set up;
# tests/bench checks the two lists agree).
TYPES = [
    "death_detention", "ice_killing", "citizen_detained", "citizen_deported",
    "court_order_violated", "sensitive_location", "rights_violation", "agent_violence",
    "vehicle_incident", "family_separation", "medical_neglect", "agent_arrested",
]  # fmt: skip
STATES = ["TX", "CA", "FL", "IL", "NY", "AZ", "GA", "NJ"]
NONCE = "{n}"  # bench/wrk.lua replaces it with a number unique to each request
SEARCH_PATH = "/incidents/?q={word}&state=TX&type={type}"
API_LIST_PATH = "/api/v1/ice-incidents?state=CA&limit=100"


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    paths: tuple[str, ...]
    cached: bool  # served from the page cache after the warm-up
    target: str = ""  # "cached" (>= 0.5 x baseline rps) or "p95" (< 50 ms at 16 connections)


def search_paths(count: int = 240) -> tuple[str, ...]:
    """Word x type combinations in a fixed order, each with a cache-busting parameter."""
    combos = [(WORDS[i % len(WORDS)], TYPES[i * 5 % len(TYPES)]) for i in range(count)]
    return tuple(
        SEARCH_PATH.format(word=word.replace(" ", "+"), type=kind) + "&nocache=" + NONCE
        for word, kind in combos
    )


def filtered_paths() -> tuple[str, ...]:
    return tuple(
        f"/incidents/?state={state}&type={kind}&nocache={NONCE}"
        for state, kind in itertools.product(STATES, TYPES)
    )


def load_endpoints(detail_paths: list[str]) -> list[Endpoint]:
    return [
        Endpoint("home", "/ (dashboard)", ("/",), cached=True, target="cached"),
        Endpoint("incidents", "/incidents/", ("/incidents/",), cached=True, target="cached"),
        Endpoint(
            "detail", "/incidents/<id>-<slug>/", tuple(detail_paths), cached=True, target="cached"
        ),
        Endpoint(
            "rapid_response",
            "/rapid-response/ca/",
            ("/rapid-response/ca/",),
            cached=True,
            target="cached",
        ),
        Endpoint(
            "search",
            "/incidents/?q=<word>&state=TX&type=<type> (uncached)",
            search_paths(),
            cached=False,
            target="p95",
        ),
        Endpoint(
            "filtered",
            "/incidents/?state=<st>&type=<type> (uncached)",
            filtered_paths(),
            cached=False,
            target="p95",
        ),
        Endpoint("api_list", API_LIST_PATH, (API_LIST_PATH,), cached=True),
        Endpoint(
            "api_list_uncached",
            API_LIST_PATH + " (uncached)",
            (API_LIST_PATH + "&nocache=" + NONCE,),
            cached=False,
            target="p95",
        ),
        Endpoint("api_stats", "/api/v1/ice-stats", ("/api/v1/ice-stats",), cached=True),
        Endpoint("health", "/api/v1/health", ("/api/v1/health",), cached=False),
    ]


def query_count_paths(detail_path: str) -> dict[str, str]:
    """One request per endpoint, counted with an empty page cache."""
    return {
        "home": "/",
        "incidents": "/incidents/",
        "incidents_page_5": "/incidents/?page=5",
        "filtered": "/incidents/?state=TX&type=rights_violation",
        "search": SEARCH_PATH.format(word="courthouse", type="rights_violation"),
        "detail": detail_path,
        "rapid_response": "/rapid-response/ca/",
        "api_list": API_LIST_PATH,
        "api_search": "/api/v1/ice-incidents?q=school&state=TX&limit=100",
        "api_detail": "/api/v1/ice-incident?id=" + detail_path.split("/")[2].split("-")[0],
        "api_stats": "/api/v1/ice-stats",
        "health": "/api/v1/health",
    }


def request_queries(client, path: str) -> list[str]:
    """Every SQL query a request for `path` issues with an empty page cache (a streamed body
    read to the end), as sent to the server: psycopg binds the parameters on the client.
    `client` is a django.test.Client; anything but a 200 stops the run. A search is counted
    as the first of its words the process sees, with the statement that looks its term up
    (incidents.search._lexemes_of remembers it for the next)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from incidents import search

    cache.clear()
    search._lexemes_of.cache_clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return [query["sql"] for query in queries]


def request_statements(client, path: str) -> list[str]:
    """request_queries() bar session settings such as the statement timeout: the statements
    that do the request's work."""
    return [sql for sql in request_queries(client, path) if not sql.startswith("SET ")]
