"""Measure the incidents pages at scale and print the figures (this is not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icetracker_incidents \\
    REDIS_URL=redis://127.0.0.1:6379/2 \\
    .venv/bin/python -m bench.incidents --public 100000 --requests 200

It migrates the database, tops it up with synthetic incidents (bench.scale) until it holds
`--public` published ones, then measures, with Django's test client in this process:

- the timeline with a text search and two filters, `/incidents/?q=<word>&state=TX&type=<type>`,
  cache misses (the page cache is invalidated before every request) and cache hits;
- the API list with the same filters;
- the full CSV export: rows per second and peak memory (tracemalloc peak of Python allocations,
  in a second pass, and the growth of the process's maximum resident set size).
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc

# Production-like settings (DEBUG off: no query log), minus the HTTPS redirect and the static
# files manifest, which the test client does not need.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icetracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_TESTING", "1")  # plain static storage: no collectstatic needed

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402

from bench.scale import generate_incidents  # noqa: E402
from icetracker.pagecache import bump  # noqa: E402
from incidents.filters import IncidentFilter  # noqa: E402
from incidents.models import Incident  # noqa: E402

WORDS = ["courthouse", "school", "church", "hospital", "warrantless", "vigil", "insulin", "farm"]
TYPES = ["citizen_detained", "rights_violation", "agent_violence", "sensitive_location"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(label: str, timings: list[float]) -> None:
    ms = [t * 1000 for t in timings]
    print(
        f"{label}: n={len(ms)} p50={statistics.median(ms):.1f} ms "
        f"p95={percentile(ms, 95):.1f} ms max={max(ms):.1f} ms"
    )


def prepare(public: int, drafts: int) -> None:
    call_command("migrate", verbosity=0)
    have = Incident.objects.published().count()
    if have < public:
        started = time.perf_counter()
        made = generate_incidents(public=public - have, drafts=drafts, seed=have + 1)
        took = time.perf_counter() - started
        print(
            f"generated {made.incidents} incidents and {made.evidence} evidence rows "
            f"in {took:.1f} s ({made.incidents / took:.0f} incidents/s)"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE incidents_incident; ANALYZE incidents_evidence;")
    print(
        f"database: {connection.vendor}, {Incident.objects.published().count()} public and "
        f"{Incident.objects.filter(is_public=False).count()} draft incidents"
    )


def measure_pages(client: Client, requests: int, rng: random.Random) -> None:
    paths = [
        f"/incidents/?q={rng.choice(WORDS)}&state=TX&type={rng.choice(TYPES)}"
        for _ in range(requests)
    ]
    for path in paths[:5]:  # warm up connections and code paths
        client.get(path)
    for label, invalidate in (("cache miss", True), ("cache hit", False)):
        if not invalidate:
            for path in set(paths):  # every distinct page cached once before timing hits
                client.get(path)
        timings = []
        for path in paths:
            if invalidate:
                bump("incidents")
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        summary(f"GET /incidents/?q=<word>&state=TX&type=<type> ({label})", timings)
    query = QueryDict(paths[0].split("?", 1)[1])
    print(f"  e.g. {paths[0]} matches {IncidentFilter(query).qs.count()} incidents")
    timings = []
    for path in paths:
        bump("incidents")
        api_path = path.replace("/incidents/", "/api/v1/ice-incidents")
        started = time.perf_counter()
        response = client.get(api_path, REMOTE_ADDR=f"10.0.{len(timings) % 250}.1")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (api_path, response.status_code)
    summary("GET /api/v1/ice-incidents?q=<word>&state=TX&type=<type> (cache miss)", timings)
    timings = []
    for _ in range(requests):
        path = f"/incidents/?state={rng.choice(['TX', 'CA', 'FL', 'MN'])}&page={rng.randint(1, 50)}"
        bump("incidents")
        started = time.perf_counter()
        client.get(path)
        timings.append(time.perf_counter() - started)
    summary("GET /incidents/?state=<state>&page=<1..50> (cache miss, no search)", timings)
    ids = list(Incident.objects.published().values_list("id", "slug")[:5000])
    timings = []
    for pk, slug in rng.sample(ids, min(requests, len(ids))):
        bump("incidents")
        started = time.perf_counter()
        response = client.get(f"/incidents/{pk}-{slug}/")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (pk, response.status_code)
    summary("GET /incidents/<id>-<slug>/ (cache miss, with related incidents)", timings)


def export_once(client: Client, query: str = "") -> tuple[int, float, int]:
    started = time.perf_counter()
    response = client.get("/incidents/export.csv" + query)
    rows = -1  # the header
    size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")  # a line per row; newlines inside quoted cells are rare
        size += len(chunk)
    return rows, time.perf_counter() - started, size


def measure_export(client: Client) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows, took, size = export_once(client)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"CSV export: {rows} rows, {size / 1e6:.1f} MB in {took:.1f} s = {rows / took:.0f} rows/s; "
        f"max RSS {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MB"
    )
    # Flat memory: the peak should not depend on the number of rows exported.
    for query in ("?state=TX&type=rights_violation", "?state=TX", ""):
        tracemalloc.start()
        rows, took, _ = export_once(client, query)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"CSV export{query or ' (all)'} under tracemalloc: {rows} rows, peak Python "
            f"allocations {peak / 1e6:.1f} MB ({took:.1f} s, slower because traced)"
        )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--public", type=int, default=100_000, help="published incidents")
    parser.add_argument("--drafts", type=int, default=2_000, help="drafts added with them")
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    parser.add_argument("--no-export", action="store_true", help="skip the CSV export")
    parser.add_argument("--no-pages", action="store_true", help="skip the page timings")
    args = parser.parse_args(argv)
    prepare(args.public, args.drafts)
    client = Client()
    print(f"load average before measuring: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    if not args.no_pages:
        measure_pages(client, args.requests, random.Random(7))
    if not args.no_export:
        measure_export(client)


if __name__ == "__main__":
    main(sys.argv[1:])
