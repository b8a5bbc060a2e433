"""Print, as one JSON line, the SQL queries each endpoint issues on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icetracker_bench python -m bench.querycounts

Production settings (DEBUG off) with a local-memory cache, emptied before every request so the
view itself runs. Also prints the database's size (public incidents, drafts, evidence, feed
items) and the server versions, for the benchmark report. bench/run.py runs it on the 1k and
the 100k databases; tests/bench/test_query_counts.py checks the same endpoints in the test suite.
"""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icetracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_TESTING", "1")  # plain static storage: no manifest needed
os.environ["REDIS_URL"] = ""  # a local-memory cache, cleared before each request

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.endpoints import query_count_paths  # noqa: E402
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
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return len(queries)


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


def main() -> None:
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
