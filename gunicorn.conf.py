"""gunicorn's production settings; `gunicorn icetracker.wsgi` reads this file from the
current directory, and `make bench` serves the app and its baseline with it.

Sync workers, (2 x cores) + 1 of them (WEB_CONCURRENCY overrides), behind a buffering reverse
proxy (nginx, or a platform's router), as gunicorn's documentation recommends: the proxy
absorbs slow clients, and each worker takes the next connection only when it is free, so the
kernel's queue hands requests out fairly.

Measured with `make bench` on 2 cores: with four gthread workers of two threads and keep-alive,
one worker took 13 of wrk's 16 keep-alive connections and served them on one core (its threads
share a GIL) while a third of the CPU sat idle; uncached p95 was 1.5-2 x that of sync workers
at the same throughput, and a run's figures depended on how the connections happened to fall.
With PostgreSQL on the same 2 cores, cores + 1 workers measured better on one machine and worse
on another (README, Performance); with PostgreSQL elsewhere, workers wait on every query.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
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
