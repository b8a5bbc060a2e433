"""A local HTTP server on 127.0.0.1 serving fixture feeds, and short fetch limits for tests."""

import contextlib
import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from feeds.matching import DEFAULT_KEYWORDS
from feeds.models import FeedSource, Keyword

FIXTURES = Path(__file__).parent / "fixtures"
RSS = "application/rss+xml; charset=utf-8"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Send the body this many bytes at a time, sleeping `trickle_delay` between writes.
    trickle_bytes: int = 0
    trickle_delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[Seen], Reply]] = {}
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"feed_server": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, reply: Reply | Callable[[Seen], Reply]) -> str:
        self.routes[path] = reply
        return self.url(path)

    def serve_feed(self, path: str, name: str, content_type: str = RSS, **headers: str) -> str:
        return self.serve(
            path, Reply(body=fixture_bytes(name), headers={"Content-Type": content_type, **headers})
        )

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen.path == path)

    def reset(self) -> None:
        self.routes.clear()
        with self.lock:
            self.requests.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    feed_server: FeedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # noqa: A002 - silence the access log
        pass

    def do_GET(self) -> None:
        seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
        with self.feed_server.lock:
            self.feed_server.requests.append(seen)
        route = self.feed_server.routes.get(self.path.split("?")[0]) or self.feed_server.routes.get(
            self.path
        )
        reply = Reply(404, b"not found") if route is None else route
        if callable(reply):
            reply = reply(seen)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        headers = {"Connection": "close", **reply.headers}
        if headers.get("Content-Length") == "":
            del headers["Content-Length"]  # no length: the body ends when the connection closes
        elif "Content-Length" not in headers:
            headers["Content-Length"] = str(len(reply.body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not reply.trickle_bytes:
            self.wfile.write(reply.body)
            return
        for start in range(0, len(reply.body), reply.trickle_bytes):
            self.wfile.write(reply.body[start : start + reply.trickle_bytes])
            self.wfile.flush()
            time.sleep(reply.trickle_delay)


@pytest.fixture(scope="session")
def _feed_server():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def feed_server(_feed_server, settings) -> FeedServer:
    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.FEEDS_CONNECT_TIMEOUT = 1
    settings.FEEDS_TOTAL_TIMEOUT = 2
    settings.FEEDS_MAX_BYTES = 1024 * 1024
    _feed_server.reset()
    yield _feed_server
    _feed_server.reset()


def ensure_keywords() -> None:
    """Transactional tests flush the tables, including the keywords the migration seeded."""
    if not Keyword.objects.exists():
        Keyword.objects.bulk_create(Keyword(term=term) for term in DEFAULT_KEYWORDS)


@pytest.fixture
def make_source(db, feed_server):
    ensure_keywords()

    def make(path: str = "/feed.xml", name: str | None = None, **fields) -> FeedSource:
        return FeedSource.objects.create(
            name=name or f"Source {path}", url=feed_server.url(path), **fields
        )

    return make


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user(
        "feed-editor", "editor@example.org", None, is_staff=True
    )
    wanted = [
        ("feeds", "view_feeditem"),
        ("feeds", "change_feeditem"),
        ("feeds", "view_feedsource"),
        ("feeds", "change_feedsource"),
        ("incidents", "add_incident"),
        ("incidents", "change_incident"),
        ("incidents", "view_incident"),
    ]
    for app_label, codename in wanted:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def generated_feed(count: int) -> Reply:
    """An RSS 2.0 feed of `count` distinct items that all match a keyword."""
    items = "".join(
        f"<item><title>ICE raid report {n}</title>"
        f"<link>https://generated.example.org/story/{n}</link>"
        f'<guid isPermaLink="false">gen-{n}</guid>'
        f"<description>&lt;p&gt;Deportation case {n}.&lt;/p&gt;</description></item>"
        for n in range(count)
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Generated'
        f"</title><link>https://generated.example.org/</link>{items}</channel></rss>"
    ).encode()
    return Reply(body=body, headers={"Content-Type": RSS})
