"""gunicorn's production settings; `gunicorn icetracker.wsgi` reads this file from the
current directory, and `make bench` serves the app and its baseline with it.

Sync workers behind a buffering reverse proxy (nginx, or a platform's router), as gunicorn's
documentation recommends: the proxy absorbs slow clients, and each worker takes the next
connection only when it is free, so the kernel's queue hands requests out fairly.

How many (WEB_CONCURRENCY overrides): with the database on another machine, (2 x cores) + 1,
gunicorn's advice, as each worker waits for every query's round trip. With the database on
this machine (PostgreSQL on localhost or a socket, or SQLite), cores + 1: the database works on
the same cores, so more workers only take turns on them and evict each other's memory from the
CPU caches. Measured with `make bench` on 2 cores with PostgreSQL alongside, interleaved rounds
of 8 s at 16 connections: 3 workers against 5 served an uncached filtered page at 262-297
requests/s against 240-269 (p95 65-74 ms against 71-79) at 5.0-5.6 ms of Python CPU per
request against 5.7-6.4, and the uncached API at 309-414 against 312-365 requests/s (README,
Performance). An earlier machine had measured the opposite for the filtered page.

Also measured: with four gthread workers of two threads and keep-alive, one worker took 13 of
wrk's 16 keep-alive connections and served them on one core (its threads share a GIL) while a
third of the CPU sat idle; uncached p95 was 1.5-2 x that of sync workers at the same
throughput, and a run's figures depended on how the connections happened to fall.
"""

import multiprocessing
import os
from urllib.parse import urlsplit

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def database_is_local(url: str) -> bool:
    """SQLite (the default without DATABASE_URL), or a server on this machine: on localhost,
    or on a Unix socket (no host, or a percent-encoded path as the host)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or parts.scheme.startswith("sqlite"):
        return True
    host = (parts.hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith(("/", "%2f"))


def default_workers(cores: int, database_url: str) -> int:
    return cores + 1 if database_is_local(database_url) else 2 * cores + 1


workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or default_workers(multiprocessing.cpu_count(), os.environ.get("DATABASE_URL", ""))
)
worker_class = "sync"
timeout = 30  # seconds; PostgreSQL's statement_timeout (5 s) cuts slow queries first
graceful_timeout = 30
backlog = 2048


def post_worker_init(worker) -> None:
    """Load every view now, then move what the worker has loaded out of the garbage
    collector's reach.

    Django, the app and their modules are about 100,000 objects that live as long as the
    worker; each full collection walked them all again (about 0.25 ms a request, 4% of an
    uncached page, measured in process). gc.freeze() leaves them out of every later
    collection; requests' own garbage is collected as before.
    """
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    gc.collect()
    gc.freeze()
