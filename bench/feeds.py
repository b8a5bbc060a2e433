"""Benchmark: ingesting a 5,000-item feed, next to feedparser.parse alone on the same bytes.

Prints figures; asserts nothing. Run against PostgreSQL (the database gets a bench source whose
items are deleted after each run):

    createdb -h 127.0.0.1 -U postgres icetracker_feeds
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icetracker_feeds \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icetracker_feeds \\
        .venv/bin/python -m bench.feeds [--items 5000] [--runs 3] [--profile]

The ingestion figure is end to end: HTTP fetch from a local server, entity check, feedparser,
nh3 sanitising, keyword matching, canonical URLs, duplicate lookups, bulk insert, exact count of
inserted rows and the source's bookkeeping. Every item matches a keyword, so all are written.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icetracker.settings")


def generate_feed(count: int) -> bytes:
    items = []
    for n in range(count):
        day = 1 + n % 28
        items.append(
            f"<item><title>ICE raid report {n}: families describe the arrests</title>"
            f"<link>https://bench.example.org/2025/03/{day:02d}/story-{n}?utm_source=rss</link>"
            f'<guid isPermaLink="false">bench-{n}</guid>'
            f"<pubDate>Mon, {day:02d} Mar 2025 14:{n % 60:02d}:00 GMT</pubDate>"
            "<description><![CDATA[<p>Agents arrived at dawn, neighbours said. The "
            "<strong>deportation</strong> case is the latest in a series; "
            f'<a href="/2025/03/{day:02d}/background-{n}">background</a> and '
            '<a href="https://court.example.gov/docket">the docket</a>.</p>'
            "<p>Lawyers for the families asked for a hearing. "
            "<script>track()</script><img src=x onerror=alert(1)></p>]]></description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Bench</title><link>https://bench.example.org/</link>"
        "<description>Generated</description>" + "".join(items) + "</channel></rss>"
    ).encode()


class _Server:
    def __init__(self, body: bytes) -> None:
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests += 1
                if self.headers.get("If-None-Match") == '"bench"':
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", '"bench"')
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/bench.xml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def _time(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="Profile one ingestion run.")
    args = parser.parse_args()

    import django

    django.setup()
    import feedparser
    from django.conf import settings
    from django.db import connection

    from feeds.models import FeedItem, FeedSource, Keyword
    from feeds.services import ingest_source

    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.FEEDS_TOTAL_TIMEOUT = 120
    body = generate_feed(args.items)
    server = _Server(body)
    if not Keyword.objects.filter(term="ice raid", active=True).exists():
        sys.exit("The keyword 'ice raid' is missing or inactive: run migrate first.")
    FeedSource.objects.filter(name="Benchmark").delete()
    source = FeedSource.objects.create(name="Benchmark", url=server.url)

    def reset() -> None:
        FeedItem.objects.filter(source=source).delete()
        FeedSource.objects.filter(pk=source.pk).update(etag="", last_modified="")

    def ingest() -> None:
        source.refresh_from_db()
        result = ingest_source(source=source)
        if result.new != args.items:
            sys.exit(f"expected {args.items} new items, got {result.summary()} {result.errors[:3]}")

    def parse_default() -> None:
        feedparser.parse(io.BytesIO(body), response_headers={"content-type": "application/xml"})

    def parse_as_we_do() -> None:
        feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-type": "application/xml", "content-location": server.url},
            resolve_relative_uris=False,
            sanitize_html=False,
        )

    try:
        # Interleaved, so a change in machine load affects all three alike.
        ingest_times, parse_times, parse_ours_times = [], [], []
        for _ in range(args.runs):
            reset()
            ingest_times.extend(_time(ingest, 1))
            parse_times.extend(_time(parse_default, 1))
            parse_ours_times.extend(_time(parse_as_we_do, 1))
        requests_before = server.requests
        source.refresh_from_db()
        repoll = _time(lambda: ingest_source(source=source), 1)[0]
        repoll_requests = server.requests - requests_before
        if args.profile:
            reset()
            profiler = cProfile.Profile()
            profiler.runcall(ingest)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    finally:
        FeedItem.objects.filter(source=source).delete()
        source.delete()
        server.httpd.shutdown()

    def rate(timings: list[float]) -> float:
        return args.items / statistics.median(timings)

    ingest_rate, parse_rate = rate(ingest_times), rate(parse_times)
    print(f"database: {connection.vendor}; feed: {args.items} items, {len(body) / 1e6:.2f} MB")
    print(f"runs: {args.runs} (median shown)")
    print(f"ingest (HTTP + parse + sanitise + match + store): {ingest_rate:9.0f} items/s")
    print(f"feedparser.parse alone, default options:          {parse_rate:9.0f} items/s")
    print(
        f"feedparser.parse alone, our options (no feedparser "
        f"sanitiser/URI pass): {rate(parse_ours_times):9.0f} items/s"
    )
    print(f"ratio ingest / feedparser.parse (default):        {ingest_rate / parse_rate:9.2f}")
    print(
        "ratio ingest / feedparser.parse (our options):    "
        f"{ingest_rate / rate(parse_ours_times):9.2f}"
    )
    print(
        f"re-poll of the unchanged feed: {repoll_requests} HTTP request(s), {repoll * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
