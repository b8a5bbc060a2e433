"""Print, as one JSON line, the SQL queries each endpoint issues on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icetracker_bench python -m bench.querycounts
    ... python -m bench.querycounts --statements search,filtered

With --statements, it prints instead the statements themselves that each named endpoint of the
load runs (bench/endpoints.py) issues for every one of its paths, uncached, and the connection
options they run under: bench/run.py replays them with pgbench, for PostgreSQL's share.

Production settings (DEBUG off) with a local-memory cache, emptied before every request so the
view itself runs. Also prints the database's size (public incidents, drafts, evidence, feed
items) and the server versions, for the benchmark report. bench/run.py runs it on the 1k and
the 100k databases; tests/bench/test_query_counts.py checks the same endpoints in the test suite.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icetracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_TESTING", "1")  # plain static storage: no manifest needed
os.environ["REDIS_URL"] = ""  # a local-memory cache, cleared before each request

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.endpoints import (  # noqa: E402
    NONCE,
    load_endpoints,
    query_count_paths,
    request_queries,
    request_statements,
)
from feeds.models import FeedItem  # noqa: E402
from incidents.models import Evidence, Incident  # noqa: E402

EXPORT_PATH = "/incidents/export.csv"


def detail_path() -> str:
    """A published incident in California with three pieces of evidence (stable for a seed)."""
    incident = (
        Incident.objects.published().filter(state="CA").order_by("id").only("id", "slug").first()
    )
    return incident.get_absolute_url()


def count(client: Client, path: str) -> int:
    return len(request_queries(client, path))


def sizes() -> dict[str, int]:
    return {
        "public_incidents": Incident.objects.published().count(),
        "draft_incidents": Incident.objects.filter(is_public=False).count(),
        "evidence": Evidence.objects.count(),
        "feed_items": FeedItem.objects.count(),
    }


def server_versions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {"postgresql": postgres, "django": django.get_version()}


def load_statements(names: list[str]) -> None:
    client = Client()
    endpoints = {endpoint.name: endpoint for endpoint in load_endpoints([detail_path()])}
    unknown = sorted(set(names) - set(endpoints))
    if unknown:
        raise SystemExit(f"no such endpoint: {', '.join(unknown)}")
    captured = {
        name: [
            request_statements(client, path.replace(NONCE, f"sql{index}"))
            for index, path in enumerate(endpoints[name].paths)
        ]
        for name in names
    }
    options = connection.settings_dict.get("OPTIONS", {}).get("options", "")
    print(json.dumps({"options": options, "statements": captured}))


def main() -> None:
    if sys.argv[1:2] == ["--statements"]:
        load_statements(sys.argv[2].split(","))
        return
    client = Client()
    detail = detail_path()
    paths = query_count_paths(detail)
    counts = {name: count(client, path) for name, path in paths.items()}
    counts["export_csv"] = count(client, EXPORT_PATH)
    print(
        json.dumps(
            {
                "database": connection.settings_dict["NAME"],
                "sizes": sizes(),
                "paths": paths | {"export_csv": EXPORT_PATH},
                "queries": counts,
                "detail_path": detail,
                "versions": server_versions(),
            }
        )
    )


if __name__ == "__main__":
    main()
